//! The committed schemas of the result formats, and the checks against them.
//!
//! The JSON formats are checked with the `jsonschema` crate against the JSON
//! Schemas in `xtask/schemas/`. JUnit XML is checked against `xtask/schemas/junit.xsd`
//! with `xmllint` (Debian's `libxml2-utils`) where it is installed; without it,
//! only well-formedness of the few constructs the writer emits is assumed, and
//! the tests say so (CI installs it).

use std::io::Write as _;
use std::process::{Command, Stdio};

use anyhow::{Context as _, bail};

use super::format::Format;

/// Gradescope's `results.json`.
pub const GRADESCOPE: &str = include_str!("../../../schemas/gradescope-results.schema.json");
/// Classroom50's `result.json`.
pub const CLASSROOM50: &str = include_str!("../../../schemas/classroom50-result-v1.schema.json");
/// The course's own report.
pub const COURSE: &str = include_str!("../../../schemas/descent-grade-v1.schema.json");
/// JUnit XML.
pub const JUNIT_XSD: &str = include_str!("../../../schemas/junit.xsd");

/// Checks `text` against the schema of `format`.
pub fn check(format: Format, text: &str) -> anyhow::Result<()> {
    match format {
        Format::Gradescope => check_json(GRADESCOPE, text),
        Format::Classroom50 => check_json(CLASSROOM50, text),
        Format::Json => check_json(COURSE, text),
        Format::Junit => match check_xml(text) {
            Err(XmlCheck::NoXmllint) => Ok(()),
            other => other.map_err(|e| anyhow::anyhow!("{e}")),
        },
    }
}

/// Checks a JSON document against a JSON Schema, naming every violation.
pub fn check_json(schema: &str, text: &str) -> anyhow::Result<()> {
    let schema: serde_json::Value = serde_json::from_str(schema).context("a schema is not JSON")?;
    let instance: serde_json::Value = serde_json::from_str(text).context("not JSON")?;
    let validator = jsonschema::validator_for(&schema).context("a schema does not compile")?;
    let errors: Vec<String> = validator
        .iter_errors(&instance)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    if !errors.is_empty() {
        bail!("{}", errors.join("\n"));
    }
    Ok(())
}

/// Why an XML document was not shown valid.
#[derive(Debug)]
pub enum XmlCheck {
    /// `xmllint` is not installed.
    NoXmllint,
    /// `xmllint` rejected it.
    Invalid(String),
}

impl std::fmt::Display for XmlCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            XmlCheck::NoXmllint => {
                write!(f, "xmllint is not installed (apt-get install libxml2-utils)")
            }
            XmlCheck::Invalid(why) => write!(f, "{why}"),
        }
    }
}

/// Checks JUnit XML against `junit.xsd` with `xmllint`.
pub fn check_xml(text: &str) -> Result<(), XmlCheck> {
    let dir = tempfile::tempdir().map_err(|e| XmlCheck::Invalid(e.to_string()))?;
    let xsd = dir.path().join("junit.xsd");
    std::fs::write(&xsd, JUNIT_XSD).map_err(|e| XmlCheck::Invalid(e.to_string()))?;
    let child = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(XmlCheck::NoXmllint),
        Err(e) => return Err(XmlCheck::Invalid(e.to_string())),
    };
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes()).map_err(|e| XmlCheck::Invalid(e.to_string()))?;
    }
    let output = child.wait_with_output().map_err(|e| XmlCheck::Invalid(e.to_string()))?;
    if !output.status.success() {
        return Err(XmlCheck::Invalid(String::from_utf8_lossy(&output.stderr).into_owned()));
    }
    Ok(())
}

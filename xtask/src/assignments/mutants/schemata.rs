//! Mutation schemata: every mutant of a file's solution regions compiled into
//! the file at once, each behind its number.
//!
//! A mutant is the solution with one small change a mistaken hand could make.
//! Instead of building each mutant apart (a rebuild of the workspace per mutant),
//! each mutable expression `e` of a region becomes
//!
//! ```text
//! (match __descent_mutant() { 17 => (e with change 17), 18 => (…), _ => (e) })
//! ```
//!
//! and `__descent_mutant()` reads the environment variable `DESCENT_MUTANT`
//! once: one build holds every mutant, and a test run with `DESCENT_MUTANT=17`
//! runs mutant 17 alone (0, or no variable, runs the solution itself).
//!
//! The changes ([`binary_replacements`] and the rest below) are cargo-mutants'
//! operator table (each arithmetic, compound-assignment, comparison and logical
//! operator replaced by its neighbours; a unary `-` or `!` deleted), and what
//! numeric code needs besides: a literal replaced by 0 or 1 (and an integer by
//! its successor), a call of `sqrt`, `abs`, `cos`, `powf`, `max` and the like
//! deleted (written as a call with the identity's argument, `.powi(1)`,
//! `.max(-∞)`, so that the mutant has the type of the original), `max` swapped
//! with `min`, an `if` condition replaced by `true` and by `false`, and a
//! statement deleted; and, where a function's whole body is a region,
//! cargo-mutants' replacement of its value (`()`, or 0.0, 1.0 and −1.0 for an
//! `f64`). Each is named by where it is in its region and what it
//! changes, which is how the reviewed list of equivalent mutants refers to it.

use proc_macro2::{LineColumn, Span};
use syn::spanned::Spanned as _;
use syn::visit_mut::{self, VisitMut};
use syn::{BinOp, Expr, Lit, Stmt, UnOp, parse_quote};

/// The environment variable that picks the mutant a run executes.
pub const VARIABLE: &str = "DESCENT_MUTANT";

/// One mutant: its number, its region and its change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mutant {
    /// Its number in the build (from 1).
    pub id: u32,
    /// The solution region it changes.
    pub region: String,
    /// Where in the region: the line (1 = the first line after the marker) and
    /// the column (1-based) of the changed token.
    pub line: usize,
    /// The column (1-based).
    pub column: usize,
    /// What it changes, e.g. "replace `-=` with `+=`".
    pub change: String,
    /// The region's line it changes, trimmed (for a reader of the report).
    pub source: String,
}

impl Mutant {
    /// How the report and the reviewed list name it: `+LINE:COLUMN CHANGE`
    /// (within its region).
    pub fn key(&self) -> String {
        format!("+{}:{} {}", self.line, self.column, self.change)
    }
}

/// A solution region of a file, by the 1-based lines of its code (the lines
/// strictly between its marker lines).
#[derive(Debug, Clone)]
pub struct Lines {
    /// The region's name.
    pub name: String,
    /// Its first line of code (1-based).
    pub first: usize,
    /// Its last line of code (1-based).
    pub last: usize,
}

/// The file `text` with every mutant of its `regions` compiled in, and those
/// mutants, numbered from `*next` on (which is advanced past them).
pub fn schemata(
    text: &str,
    regions: &[Lines],
    next: &mut u32,
) -> anyhow::Result<(String, Vec<Mutant>)> {
    let mut file = syn::parse_file(text)?;
    let lines: Vec<&str> = text.lines().collect();
    let mut visitor = Schemata { regions, lines: &lines, next, mutants: Vec::new() };
    visitor.visit_file_mut(&mut file);
    let mutants = visitor.mutants;
    let selector: syn::Item = parse_quote! {
        /// The mutant this process runs (`DESCENT_MUTANT`; 0 is none).
        #[allow(dead_code)]
        fn __descent_mutant() -> u32 {
            static ACTIVE: ::std::sync::OnceLock<u32> = ::std::sync::OnceLock::new();
            *ACTIVE.get_or_init(|| {
                ::std::env::var(#VARIABLE).ok().and_then(|v| v.parse().ok()).unwrap_or(0)
            })
        }
    };
    file.items.push(selector);
    let mut out = quote::ToTokens::to_token_stream(&file).to_string();
    out.push('\n');
    Ok((out, mutants))
}

struct Schemata<'a> {
    regions: &'a [Lines],
    lines: &'a [&'a str],
    next: &'a mut u32,
    mutants: Vec<Mutant>,
}

impl Schemata<'_> {
    /// The region that holds all of `span`, if one does.
    fn region(&self, span: Span) -> Option<&Lines> {
        let (start, end) = (span.start().line, span.end().line);
        self.regions.iter().find(|r| r.first <= start && end <= r.last)
    }

    /// Numbers a mutant of `region` at `at`.
    fn push(&mut self, region: &str, first: usize, at: LineColumn, change: String) -> u32 {
        *self.next += 1;
        let id = *self.next;
        let source = self.lines.get(at.line - 1).map_or("", |l| l.trim()).to_string();
        self.mutants.push(Mutant {
            id,
            region: region.to_string(),
            line: at.line + 1 - first,
            column: at.column + 1,
            change,
            source,
        });
        id
    }
}

impl Schemata<'_> {
    /// cargo-mutants' replacement of a function's value, for a function whose
    /// whole body is a region: the body replaced by `()`, or for an `f64` by
    /// 0.0, 1.0 and −1.0.
    fn whole_body(&mut self, sig: &syn::Signature, block: &mut syn::Block, body: Option<Span>) {
        let Some(span) = body else { return };
        let Some(region) = self.region(span) else { return };
        let (name, first) = (region.name.clone(), region.first);
        let at = span.start();
        let stmts = &block.stmts;
        match &sig.output {
            syn::ReturnType::Default => {
                let id = self.push(&name, first, at, "replace the body with `()`".to_string());
                *block = parse_quote! {{ if __descent_mutant() != #id { #(#stmts)* } }};
            }
            syn::ReturnType::Type(_, ty) if quote::quote!(#ty).to_string() == "f64" => {
                let mut arms = Vec::new();
                for value in ["0.0", "1.0", "-1.0"] {
                    let id =
                        self.push(&name, first, at, format!("replace the body with `{value}`"));
                    let value: Expr = syn::parse_str(value).unwrap_or_else(|_| parse_quote!(0.0));
                    arms.push(quote::quote! { #id => #value, });
                }
                *block =
                    parse_quote! {{ match __descent_mutant() { #(#arms)* _ => { #(#stmts)* } } }};
            }
            syn::ReturnType::Type(..) => {}
        }
    }
}

/// The span of a function body's statements (not its braces), if it has any.
fn body_span(block: &syn::Block) -> Option<Span> {
    let first = block.stmts.first()?.span();
    let last = block.stmts.last()?.span();
    first.join(last)
}

impl VisitMut for Schemata<'_> {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        // Where the expression and its operator are, read before the children
        // are rewritten (the rewritten tokens have no place in the source).
        let span = expr.span();
        let at = operator_position(expr).unwrap_or_else(|| span.start());
        visit_mut::visit_expr_mut(self, expr);
        let Some(region) = self.region(span) else { return };
        let (name, first) = (region.name.clone(), region.first);
        let variants = variants(expr);
        if variants.is_empty() {
            return;
        }
        let mut arms = Vec::new();
        for (change, variant) in variants {
            let id = self.push(&name, first, at, change);
            arms.push(quote::quote! { #id => (#variant), });
        }
        let original = expr.clone();
        *expr = parse_quote! {
            (match __descent_mutant() { #(#arms)* _ => (#original) })
        };
    }

    fn visit_block_mut(&mut self, block: &mut syn::Block) {
        let spans: Vec<(Span, LineColumn)> =
            block.stmts.iter().map(|s| (s.span(), s.span().start())).collect();
        visit_mut::visit_block_mut(self, block);
        // A statement that was block-like (`if …{}`) may now be a `(match …)`,
        // which needs its semicolon unless it is the block's value.
        let last = block.stmts.len().saturating_sub(1);
        for stmt in &mut block.stmts[..last] {
            if let Stmt::Expr(_, semicolon @ None) = stmt {
                *semicolon = Some(Default::default());
            }
        }
        for (stmt, (span, at)) in block.stmts.iter_mut().zip(spans) {
            // A statement of its own (`e;`), not a `let` (whose deletion would
            // leave a name unbound) nor the block's value.
            let Stmt::Expr(inner, Some(_)) = stmt else { continue };
            let Some(region) = self.region(span) else { continue };
            let (name, first) = (region.name.clone(), region.first);
            let id = self.push(&name, first, at, "delete the statement".to_string());
            let inner = inner.clone();
            *stmt = parse_quote! { if __descent_mutant() != #id { #inner; } };
        }
    }

    fn visit_item_fn_mut(&mut self, item: &mut syn::ItemFn) {
        let body = body_span(&item.block);
        visit_mut::visit_item_fn_mut(self, item);
        self.whole_body(&item.sig, &mut item.block, body);
    }

    fn visit_impl_item_fn_mut(&mut self, item: &mut syn::ImplItemFn) {
        let body = body_span(&item.block);
        visit_mut::visit_impl_item_fn_mut(self, item);
        self.whole_body(&item.sig, &mut item.block, body);
    }

    // `else if`: the inner `if` stays an `if` (an `else` takes nothing else);
    // its parts are mutated.
    fn visit_expr_if_mut(&mut self, branch: &mut syn::ExprIf) {
        self.visit_expr_mut(&mut branch.cond);
        self.visit_block_mut(&mut branch.then_branch);
        if let Some((_, otherwise)) = &mut branch.else_branch {
            match &mut **otherwise {
                Expr::If(inner) => self.visit_expr_if_mut(inner),
                other => self.visit_expr_mut(other),
            }
        }
    }

    // Lengths of arrays and const generic arguments must be constants: no
    // `match` there.
    fn visit_expr_repeat_mut(&mut self, repeat: &mut syn::ExprRepeat) {
        self.visit_expr_mut(&mut repeat.expr);
    }

    fn visit_generic_argument_mut(&mut self, _: &mut syn::GenericArgument) {}

    fn visit_item_const_mut(&mut self, _: &mut syn::ItemConst) {}

    fn visit_item_static_mut(&mut self, _: &mut syn::ItemStatic) {}
}

/// Where the change of `expr` is: its operator or method name, if it has one.
fn operator_position(expr: &Expr) -> Option<LineColumn> {
    match expr {
        Expr::Binary(binary) => Some(binary.op.span().start()),
        Expr::MethodCall(call) => Some(call.method.span().start()),
        Expr::If(branch) => Some(branch.cond.span().start()),
        _ => None,
    }
}

/// The mutants of one expression (whose children may already hold theirs).
fn variants(expr: &Expr) -> Vec<(String, Expr)> {
    match expr {
        Expr::Binary(binary) => binary_replacements(&binary.op)
            .into_iter()
            .map(|op| {
                let mut changed = binary.clone();
                changed.op = op;
                let change = format!("replace `{}` with `{}`", symbol(&binary.op), symbol(&op));
                (change, Expr::Binary(changed))
            })
            .collect(),
        Expr::Unary(unary) => match unary.op {
            UnOp::Neg(_) => vec![("delete `-`".to_string(), (*unary.expr).clone())],
            UnOp::Not(_) => vec![("delete `!`".to_string(), (*unary.expr).clone())],
            _ => Vec::new(),
        },
        Expr::Lit(literal) => literal_replacements(&literal.lit),
        Expr::MethodCall(call) => method_replacements(call),
        Expr::If(branch) if !matches!(*branch.cond, Expr::Let(_)) => [true, false]
            .into_iter()
            .map(|value| {
                let mut changed = branch.clone();
                changed.cond = Box::new(parse_quote!(#value));
                (format!("replace the `if` condition with `{value}`"), Expr::If(changed))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// cargo-mutants' replacements of a binary operator.
pub fn binary_replacements(op: &BinOp) -> Vec<BinOp> {
    use BinOp::*;
    match op {
        Add(_) => vec![Sub(Default::default()), Mul(Default::default())],
        Sub(_) => vec![Add(Default::default()), Div(Default::default())],
        Mul(_) => vec![Add(Default::default()), Div(Default::default())],
        Div(_) => vec![Mul(Default::default()), Rem(Default::default())],
        Rem(_) => vec![Div(Default::default()), Add(Default::default())],
        AddAssign(_) => vec![SubAssign(Default::default()), MulAssign(Default::default())],
        SubAssign(_) => vec![AddAssign(Default::default()), DivAssign(Default::default())],
        MulAssign(_) => vec![AddAssign(Default::default()), DivAssign(Default::default())],
        DivAssign(_) => vec![MulAssign(Default::default()), RemAssign(Default::default())],
        Eq(_) => vec![Ne(Default::default())],
        Ne(_) => vec![Eq(Default::default())],
        Lt(_) => vec![Le(Default::default()), Gt(Default::default())],
        Le(_) => vec![Lt(Default::default()), Gt(Default::default())],
        Gt(_) => vec![Ge(Default::default()), Lt(Default::default())],
        Ge(_) => vec![Gt(Default::default()), Lt(Default::default())],
        And(_) => vec![Or(Default::default())],
        Or(_) => vec![And(Default::default())],
        _ => Vec::new(),
    }
}

/// How an operator is written.
fn symbol(op: &BinOp) -> String {
    quote::ToTokens::to_token_stream(op).to_string()
}

/// A literal replaced by 0 and 1 (an integer also by its successor).
fn literal_replacements(literal: &Lit) -> Vec<(String, Expr)> {
    let mut out = Vec::new();
    match literal {
        Lit::Float(float) => {
            let Ok(value) = float.base10_parse::<f64>() else { return out };
            for candidate in [0.0_f64, 1.0] {
                if candidate != value {
                    let text = format!("{candidate:?}{}", float.suffix());
                    let lit = syn::LitFloat::new(&text, Span::call_site());
                    out.push((
                        format!("replace `{}` with `{candidate:?}`", float.base10_digits()),
                        parse_quote!(#lit),
                    ));
                }
            }
        }
        Lit::Int(int) => {
            let Ok(value) = int.base10_parse::<u64>() else { return out };
            let mut candidates = vec![0, 1, value.saturating_add(1)];
            candidates.dedup();
            for candidate in candidates {
                if candidate != value {
                    let text = format!("{candidate}{}", int.suffix());
                    let lit = syn::LitInt::new(&text, Span::call_site());
                    out.push((format!("replace `{value}` with `{candidate}`"), parse_quote!(#lit)));
                }
            }
        }
        _ => {}
    }
    out
}

/// A numeric method call deleted (as the identity's call, so that the type
/// stays) or, for `max` and `min`, swapped.
fn method_replacements(call: &syn::ExprMethodCall) -> Vec<(String, Expr)> {
    let name = call.method.to_string();
    let receiver = &call.receiver;
    let deleted = |identity: Expr| {
        let mut changed = call.clone();
        changed.method = syn::Ident::new(
            match name.as_str() {
                "max" | "min" => name.as_str(),
                "powi" => "powi",
                _ => "powf",
            },
            call.method.span(),
        );
        changed.args = std::iter::once(identity).collect();
        (format!("delete `.{name}()`"), Expr::MethodCall(changed))
    };
    match name.as_str() {
        "sqrt" | "abs" | "cos" | "sin" | "exp" | "ln" | "powf"
            if receiver_is_not_literal(receiver) =>
        {
            vec![deleted(parse_quote!(1.0))]
        }
        "powi" => vec![deleted(parse_quote!(1))],
        "max" | "min" => {
            let other = if name == "max" { "min" } else { "max" };
            let mut swapped = call.clone();
            swapped.method = syn::Ident::new(other, call.method.span());
            let identity: Expr = if name == "max" {
                parse_quote!(::core::f64::NEG_INFINITY)
            } else {
                parse_quote!(::core::f64::INFINITY)
            };
            vec![
                deleted(identity),
                (format!("replace `.{name}` with `.{other}`"), Expr::MethodCall(swapped)),
            ]
        }
        _ => Vec::new(),
    }
}

/// A call on a literal (`2.0_f64.sqrt()`) is a constant, not a mistake's place.
fn receiver_is_not_literal(receiver: &Expr) -> bool {
    !matches!(receiver, Expr::Lit(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(first: usize, last: usize) -> Vec<Lines> {
        vec![Lines { name: "solution_x".into(), first, last }]
    }

    #[test]
    fn only_the_regions_lines_are_mutated_and_each_mutant_is_named_by_its_place() {
        let text = "fn f(w: &mut f64, g: f64) {\n    *w -= 0.5 * g;\n    *w += g;\n}\n";
        let mut next = 0;
        let (out, mutants) = schemata(text, &region(2, 2), &mut next).unwrap();
        let keys: Vec<String> = mutants.iter().map(Mutant::key).collect();
        assert_eq!(
            keys,
            [
                "+1:11 replace `0.5` with `0.0`",
                "+1:11 replace `0.5` with `1.0`",
                "+1:15 replace `*` with `+`",
                "+1:15 replace `*` with `/`",
                "+1:8 replace `-=` with `+=`",
                "+1:8 replace `-=` with `/=`",
                "+1:5 delete the statement",
            ]
        );
        assert_eq!(next, 7);
        assert!(out.contains("__descent_mutant"));
        // The line outside the region keeps its `+=` untouched.
        assert_eq!(out.matches("+=").count(), 2, "{out}");
    }

    #[test]
    fn a_function_whose_body_is_a_region_gets_cargo_mutants_replacements_of_its_value() {
        let text = "fn f(x: f64) -> f64 {\n    x * 2.0\n}\nfn g(w: &mut f64) {\n    *w = 1.0;\n}\n";
        let regions = vec![
            Lines { name: "solution_f".into(), first: 2, last: 2 },
            Lines { name: "solution_g".into(), first: 5, last: 5 },
        ];
        let mut next = 0;
        let (out, mutants) = schemata(text, &regions, &mut next).unwrap();
        syn::parse_file(&out).unwrap();
        let changes: Vec<(&str, &str)> =
            mutants.iter().map(|m| (m.region.as_str(), m.change.as_str())).collect();
        for wanted in [
            ("solution_f", "replace the body with `0.0`"),
            ("solution_f", "replace the body with `-1.0`"),
            ("solution_g", "replace the body with `()`"),
        ] {
            assert!(changes.contains(&wanted), "{wanted:?} missing from {changes:?}");
        }
    }

    #[test]
    fn the_schemata_of_a_file_parse_as_rust() {
        let text = "fn f(x: f64, y: f64) -> f64 {\n    if x > 0.0 { (x * y).sqrt().max(1.0) } else { -x }\n}\n";
        let mut next = 10;
        let (out, mutants) = schemata(text, &region(2, 2), &mut next).unwrap();
        syn::parse_file(&out).unwrap();
        assert_eq!(mutants.first().map(|m| m.id), Some(11));
        let changes: Vec<&str> = mutants.iter().map(|m| m.change.as_str()).collect();
        for change in [
            "replace `>` with `>=`",
            "delete `.sqrt()`",
            "delete `.max()`",
            "replace `.max` with `.min`",
            "delete `-`",
            "replace the `if` condition with `true`",
        ] {
            assert!(changes.contains(&change), "{change} missing from {changes:?}");
        }
    }
}

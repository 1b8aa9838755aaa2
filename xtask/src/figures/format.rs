//! How numbers are written in the tables and the prose: fixed decimals, percentages,
//! m·10ᵏ and learning rates, each with a true minus sign.

/// `x` with `decimals` digits after the point, and a true minus sign.
pub fn fixed(x: f64, decimals: usize) -> String {
    format!("{x:.decimals$}").replace('-', "−")
}

/// `x` as a percentage with two significant digits ("0.38 %", "8.1 %", "44 %").
pub fn percent(x: f64) -> String {
    let p = 100.0 * x;
    let decimals = if p < 1.0 {
        2
    } else if p < 10.0 {
        1
    } else {
        0
    };
    format!("{} %", fixed(p, decimals))
}

/// `x` as m·10ᵏ with `decimals` digits after the mantissa's point ("1.3·10⁻³").
pub fn scientific(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut out = format!("{}·10", mantissa.replace('-', "−"));
    for c in exponent.chars() {
        match c {
            '-' => out.push('⁻'),
            d => out.push(d.to_digit(10).map_or(d, |k| DIGITS[k as usize])),
        }
    }
    out
}

/// A learning rate of the grid as the tables print it: three significant digits.
pub fn eta_text(eta: f64) -> String {
    if (1e-3..1e3).contains(&eta) {
        let decimals = (2 - eta.log10().floor() as i32).max(0) as usize;
        fixed(eta, decimals)
    } else {
        scientific(eta, 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_keep_two_significant_digits() {
        assert_eq!(percent(0.003822), "0.38 %");
        assert_eq!(percent(0.0811), "8.1 %");
        assert_eq!(percent(0.439), "44 %");
    }

    #[test]
    fn scientific_notation_uses_superscripts_and_a_true_minus() {
        assert_eq!(scientific(0.0013125, 1), "1.3·10⁻³");
        assert_eq!(scientific(-25000.0, 2), "−2.50·10⁴");
    }
}

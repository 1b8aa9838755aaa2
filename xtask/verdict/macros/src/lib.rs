//! `#[test]` for the graded suite: libtest's own attribute, with the grader's
//! verdict taken before the test's body runs and given after it returns.
//!
//! In a grading workspace every test file of the graded suite ends with
//! `use ::descent_verdict::test;`, which shadows the built-in attribute, so that
//! each `#[test] fn name() BODY` (proptest's `proptest! { #[test] fn … }`
//! included: the macro passes the attribute through) becomes
//!
//! ```text
//! #[::core::prelude::v1::test]
//! fn name() {
//!     let verdict = ::descent_verdict::Verdict::take("crate::module::name", should_panic);
//!     let result = (move || BODY)();
//!     verdict.returned(&result);
//!     result
//! }
//! ```
//!
//! The body runs in a closure so that a `return` in it still reaches the
//! verdict; insta drops the closure from the snapshot's name, and panic
//! locations keep the body's own spans. The macro uses `proc_macro` alone.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// libtest's `#[test]`, with the grader's verdict around the test's body.
#[proc_macro_attribute]
pub fn test(attribute: TokenStream, item: TokenStream) -> TokenStream {
    if !attribute.is_empty() {
        return error("the graded suite's #[test] takes no arguments");
    }
    match wrap(item) {
        Ok(tokens) => tokens,
        Err(message) => error(message),
    }
}

/// The test function `item`, its body wrapped.
fn wrap(item: TokenStream) -> Result<TokenStream, &'static str> {
    let mut tokens: Vec<TokenTree> = item.into_iter().collect();
    let Some(TokenTree::Group(body)) = tokens.pop() else {
        return Err("#[test] goes on a function with a body");
    };
    if body.delimiter() != Delimiter::Brace {
        return Err("#[test] goes on a function with a body");
    }
    let fn_at = tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Ident(i) if i.to_string() == "fn"))
        .ok_or("#[test] goes on a function")?;
    let Some(TokenTree::Ident(name)) = tokens.get(fn_at + 1) else {
        return Err("#[test] goes on a named function");
    };
    let name = name.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
    // `-> TYPE`, if the signature has one: the tokens after the parameters.
    let parameters = tokens[fn_at..]
        .iter()
        .position(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis))
        .ok_or("#[test] goes on a function")?
        + fn_at;
    let returns: Vec<TokenTree> = tokens[parameters + 1..].to_vec();
    let should_panic = tokens[..fn_at].windows(2).any(|pair| match pair {
        [TokenTree::Punct(hash), TokenTree::Group(attribute)] if hash.as_char() == '#' => {
            attribute.stream().into_iter().next().is_some_and(
                |first| matches!(first, TokenTree::Ident(i) if i.to_string() == "should_panic"),
            )
        }
        _ => false,
    });

    let mut out = TokenStream::new();
    out.extend(parse("#[::core::prelude::v1::test]"));
    out.extend(tokens);
    let name = Literal::string(&name);
    let mut inner = parse(&format!(
        "let __descent_verdict = ::descent_verdict::Verdict::take(\
         concat!(module_path!(), \"::\", {name}), {should_panic}); let __descent_result ="
    ));
    let mut closure = parse("move ||");
    closure.extend(returns);
    closure.extend([TokenTree::Group(body)]);
    inner.extend([TokenTree::Group(Group::new(Delimiter::Parenthesis, closure))]);
    inner.extend(parse("(); __descent_verdict.returned(&__descent_result); __descent_result"));
    out.extend([TokenTree::Group(Group::new(Delimiter::Brace, inner))]);
    Ok(out)
}

/// Tokens from source text this macro writes itself.
fn parse(text: &str) -> TokenStream {
    text.parse()
        .unwrap_or_else(|_| error("internal: descent-verdict wrote tokens that do not parse"))
}

/// `compile_error!(message)`.
fn error(message: &str) -> TokenStream {
    let span = Span::call_site();
    let mut bang = Punct::new('!', Spacing::Alone);
    bang.set_span(span);
    let mut literal = Literal::string(message);
    literal.set_span(span);
    [
        TokenTree::Ident(Ident::new("compile_error", span)),
        TokenTree::Punct(bang),
        TokenTree::Group(Group::new(Delimiter::Parenthesis, TokenTree::Literal(literal).into())),
        TokenTree::Punct(Punct::new(';', Spacing::Alone)),
    ]
    .into_iter()
    .collect()
}

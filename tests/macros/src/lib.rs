//! `#[e2e_test]` on a `fn name(ctx: &Ctx)` of a module of `tests/e2e` registers it as the
//! test `module::name`, so a test is listed where it is written and nowhere else.
//!
//! No parser crate: the attribute only needs the name after `fn`, and hands the function
//! back untouched with a `crate::register_test!(name);` after it.

use proc_macro::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};

#[proc_macro_attribute]
pub fn e2e_test(attr: TokenStream, item: TokenStream) -> TokenStream {
    if !attr.is_empty() {
        return error("#[e2e_test] takes no arguments");
    }
    let mut tokens = item.clone().into_iter();
    let name = loop {
        match tokens.next() {
            Some(TokenTree::Ident(word)) if word.to_string() == "fn" => match tokens.next() {
                Some(TokenTree::Ident(name)) => break name,
                _ => return error("#[e2e_test] needs a function name after `fn`"),
            },
            Some(_) => {}
            None => return error("#[e2e_test] goes on a `fn name(ctx: &Ctx)`"),
        }
    };
    let mut out = item;
    out.extend(register(name));
    out
}

/// `crate::register_test!(name);`
fn register(name: Ident) -> TokenStream {
    let span = name.span();
    let mut path: Vec<TokenTree> = vec![
        TokenTree::Ident(Ident::new("crate", span)),
        TokenTree::Punct(Punct::new(':', Spacing::Joint)),
        TokenTree::Punct(Punct::new(':', Spacing::Alone)),
        TokenTree::Ident(Ident::new("register_test", span)),
        TokenTree::Punct(Punct::new('!', Spacing::Alone)),
    ];
    path.push(TokenTree::Group(Group::new(
        Delimiter::Parenthesis,
        TokenStream::from(TokenTree::Ident(name)),
    )));
    path.push(TokenTree::Punct(Punct::new(';', Spacing::Alone)));
    path.into_iter().collect()
}

/// `compile_error!("message");`
fn error(message: &str) -> TokenStream {
    let span = Span::call_site();
    [
        TokenTree::Ident(Ident::new("compile_error", span)),
        TokenTree::Punct(Punct::new('!', Spacing::Alone)),
        TokenTree::Group(Group::new(
            Delimiter::Parenthesis,
            TokenStream::from(TokenTree::Literal(proc_macro::Literal::string(message))),
        )),
        TokenTree::Punct(Punct::new(';', Spacing::Alone)),
    ]
    .into_iter()
    .collect()
}

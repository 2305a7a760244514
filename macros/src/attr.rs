//! The options of `#[actor(...)]`: `mailbox` and `crate` on a struct or enum, `crate` on an
//! impl block.

use std::num::NonZeroUsize;

use proc_macro2::TokenStream;
use quote::ToTokens;
use rakt_codegen::MailboxModel;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprCall, ExprLit, ExprPath, Lit, Meta, Path, Token};

use crate::ctxt::Ctxt;

/// Options of `#[actor]` on a struct or enum.
#[derive(Default)]
pub struct DeclOptions {
    /// `mailbox = bounded(N)` / `mailbox = unbounded`.
    pub mailbox: Option<MailboxModel>,
    /// `crate = "path"`.
    pub krate: Option<Path>,
}

/// Options of `#[actor]` on an impl block.
#[derive(Default)]
pub struct ImplOptions {
    /// `crate = "path"`.
    pub krate: Option<Path>,
}

const DECL_OPTIONS: &[&str] = &["mailbox", "crate"];
const IMPL_OPTIONS: &[&str] = &["crate"];

/// Parses the options of `#[actor]` on a struct or enum; errors go to `cx`, and a bad option is
/// left at its default.
pub fn decl_options(attr: TokenStream, cx: &Ctxt) -> DeclOptions {
    let mut options = DeclOptions::default();
    for meta in metas(attr, cx) {
        match option_name(&meta).as_deref() {
            Some("mailbox") => {
                if options.mailbox.is_some() {
                    duplicate(&meta, cx);
                } else {
                    options.mailbox = mailbox(&meta, cx);
                }
            }
            Some("crate") => {
                if options.krate.is_some() {
                    duplicate(&meta, cx);
                } else {
                    options.krate = krate(&meta, cx);
                }
            }
            _ => unknown(&meta, DECL_OPTIONS, "", cx),
        }
    }
    options
}

/// Parses the options of `#[actor]` on an impl block.
pub fn impl_options(attr: TokenStream, cx: &Ctxt) -> ImplOptions {
    let mut options = ImplOptions::default();
    for meta in metas(attr, cx) {
        match option_name(&meta).as_deref() {
            Some("crate") => {
                if options.krate.is_some() {
                    duplicate(&meta, cx);
                } else {
                    options.krate = krate(&meta, cx);
                }
            }
            Some("mailbox") => unknown(
                &meta,
                IMPL_OPTIONS,
                " (`mailbox` belongs on the struct: `#[actor(mailbox = ...)] struct ..`)",
                cx,
            ),
            _ => unknown(&meta, IMPL_OPTIONS, "", cx),
        }
    }
    options
}

/// The comma-separated options; nothing if they do not parse (the error goes to `cx`).
fn metas(attr: TokenStream, cx: &Ctxt) -> Vec<Meta> {
    match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr) {
        Ok(metas) => metas.into_iter().collect(),
        Err(err) => {
            cx.syn_error(err);
            Vec::new()
        }
    }
}

/// The option's name if it is a single identifier (`crate` included).
fn option_name(meta: &Meta) -> Option<String> {
    let path = meta.path();
    if path.leading_colon.is_some() || path.segments.len() != 1 {
        return None;
    }
    Some(path.segments[0].ident.to_string())
}

fn unknown(meta: &Meta, valid: &[&str], hint: &str, cx: &Ctxt) {
    let name = meta.path().to_token_stream().to_string().replace(' ', "");
    let expected = valid
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    cx.error_spanned_by(
        meta.path(),
        format!("unknown option `{name}`; expected one of: {expected}{hint}"),
    );
}

fn duplicate(meta: &Meta, cx: &Ctxt) {
    let name = meta.path().to_token_stream().to_string();
    cx.error_spanned_by(
        meta.path(),
        format!("duplicate option `{name}`; give it once"),
    );
}

const MAILBOX_HINT: &str = "expected `mailbox = bounded(N)` (N >= 1) or `mailbox = unbounded`";

/// `mailbox = bounded(N)` or `mailbox = unbounded`.
fn mailbox(meta: &Meta, cx: &Ctxt) -> Option<MailboxModel> {
    let Meta::NameValue(nv) = meta else {
        cx.error_spanned_by(meta, format!("invalid `mailbox` option; {MAILBOX_HINT}"));
        return None;
    };
    match &nv.value {
        Expr::Path(ExprPath { path, .. }) if path.is_ident("unbounded") => {
            Some(MailboxModel::Unbounded)
        }
        Expr::Call(ExprCall { func, args, .. }) if matches!(&**func, Expr::Path(p) if p.path.is_ident("bounded")) =>
        {
            let capacity = match args.iter().collect::<Vec<_>>().as_slice() {
                [
                    Expr::Lit(ExprLit {
                        lit: Lit::Int(int), ..
                    }),
                ] => int,
                _ => {
                    cx.error_spanned_by(
                        args,
                        "`bounded(N)` takes one integer literal, the mailbox capacity: `mailbox = bounded(64)`",
                    );
                    return None;
                }
            };
            match capacity.base10_parse::<usize>().map(NonZeroUsize::new) {
                Ok(Some(n)) => Some(MailboxModel::Bounded(n)),
                Ok(None) => {
                    cx.error_spanned_by(
                        capacity,
                        "a bounded mailbox needs a capacity of at least 1; use `bounded(1)` or more, or `unbounded`",
                    );
                    None
                }
                Err(err) => {
                    cx.syn_error(err);
                    None
                }
            }
        }
        other => {
            cx.error_spanned_by(
                other,
                format!("invalid value for `mailbox`; {MAILBOX_HINT}"),
            );
            None
        }
    }
}

/// `crate = "path"`.
fn krate(meta: &Meta, cx: &Ctxt) -> Option<Path> {
    const HINT: &str = "`crate` takes the path of the rakt crate as a string: `crate = \"::rakt\"`";
    let Meta::NameValue(nv) = meta else {
        cx.error_spanned_by(meta, format!("invalid `crate` option; {HINT}"));
        return None;
    };
    let Expr::Lit(ExprLit {
        lit: Lit::Str(lit), ..
    }) = &nv.value
    else {
        cx.error_spanned_by(&nv.value, format!("invalid value for `crate`; {HINT}"));
        return None;
    };
    match lit.parse_with(Path::parse_mod_style) {
        Ok(path) => Some(path),
        Err(_) => {
            cx.error_spanned_by(lit, format!("`{}` is not a path; {HINT}", lit.value()));
            None
        }
    }
}

//! The options of `#[actor(...)]`: `mailbox` and `crate` on a struct or enum; `crate`,
//! `states`, `initial`, `unhandled`, `stash_capacity` and `remote` on an impl block.
//!
//! Each option's value is checked here; how the options go together (`initial` needs
//! `states`, ...) is checked in `valid`.

use std::num::NonZeroUsize;

use proc_macro2::TokenStream;
use quote::ToTokens;
use rakt_codegen::{InitialModel, MailboxModel, UnhandledModel};
use syn::parse::discouraged::Speculative;
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{
    Expr, ExprCall, ExprLit, ExprPath, ExprStruct, Lit, Meta, MetaNameValue, Path, Token, Type,
    TypePath,
};

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
    /// `states = LoginState`: the behaviour state type.
    pub states: Option<Given<Path>>,
    /// `initial = Authenticating` or `initial = LoginState::Idle { tries: 0 }`: the state the
    /// actor starts in.
    pub initial: Option<Given<InitialModel>>,
    /// `unhandled = stash | dead_letter | reply`.
    pub unhandled: Option<Given<UnhandledModel>>,
    /// `stash_capacity = N`, N >= 1.
    pub stash_capacity: Option<NonZeroUsize>,
    /// `remote` or `remote = "billing.v1"`: the actor can be called from other processes.
    pub remote: Option<Given<Remote>>,
}

/// The value of `remote`: the package, as written.
pub struct Remote {
    /// The protobuf package, empty for `remote` alone.
    pub package: String,
    /// Where the package is written (the string literal), or the option itself.
    pub at: TokenStream,
}

/// An option that was given, with its value if the value is valid (if not, the error is
/// reported already). Options that need each other check that they were *given*, so that a bad
/// value is not also reported as a missing option.
pub struct Given<T> {
    /// The whole option, `initial = Authenticating`, for errors about the option itself.
    pub meta: Meta,
    /// Its value, `None` when invalid.
    pub value: Option<T>,
}

const DECL_OPTIONS: &[&str] = &["mailbox", "crate"];
const IMPL_OPTIONS: &[&str] = &[
    "states",
    "initial",
    "unhandled",
    "stash_capacity",
    "remote",
    "crate",
];

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
            Some(name @ ("states" | "initial" | "unhandled" | "stash_capacity" | "remote")) => {
                unknown(
                    &meta,
                    DECL_OPTIONS,
                    &format!(
                        " (`{name}` belongs on the impl block: `#[actor({name} = ..)] impl ..`)"
                    ),
                    cx,
                )
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
            Some("states") => {
                if options.states.is_some() {
                    duplicate(&meta, cx);
                } else {
                    let value = states(&meta, cx);
                    options.states = Some(Given { meta, value });
                }
            }
            Some("initial") => {
                if options.initial.is_some() {
                    duplicate(&meta, cx);
                } else {
                    let value = initial(&meta, cx);
                    options.initial = Some(Given { meta, value });
                }
            }
            Some("unhandled") => {
                if options.unhandled.is_some() {
                    duplicate(&meta, cx);
                } else {
                    let value = unhandled(&meta, cx);
                    options.unhandled = Some(Given { meta, value });
                }
            }
            Some("stash_capacity") => {
                // A bad value leaves the runtime's default: nothing depends on the option.
                if options.stash_capacity.is_some() {
                    duplicate(&meta, cx);
                } else {
                    options.stash_capacity = stash_capacity(&meta, cx);
                }
            }
            Some("remote") => {
                if options.remote.is_some() {
                    duplicate(&meta, cx);
                } else {
                    let value = remote(&meta, cx);
                    options.remote = Some(Given { meta, value });
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

/// The value of `name = value`; an error (with `hint`) for any other form.
fn value<'m>(meta: &'m Meta, name: &str, hint: &str, cx: &Ctxt) -> Option<&'m Expr> {
    match meta {
        Meta::NameValue(nv) => Some(&nv.value),
        _ => {
            cx.error_spanned_by(meta, format!("invalid `{name}` option; {hint}"));
            None
        }
    }
}

/// `states = LoginState`: the path of the state type.
fn states(meta: &Meta, cx: &Ctxt) -> Option<Path> {
    const HINT: &str = "`states` takes the path of the behaviour state type, an enum whose \
                        variants are the states: `states = LoginState`, `states = Holding<T>`";
    match value(meta, "states", HINT, cx)? {
        Expr::Path(ExprPath {
            qself: None, path, ..
        }) => Some(path.clone()),
        other => {
            cx.error_spanned_by(other, format!("invalid value for `states`; {HINT}"));
            None
        }
    }
}

/// `initial = Authenticating`, `initial = Idle { tries: 0 }`, `initial = Locked(3)` (a variant
/// of the state type by its name alone, with its data), or any other expression of the state
/// type (`initial = LoginState::default()`).
fn initial(meta: &Meta, cx: &Ctxt) -> Option<InitialModel> {
    const HINT: &str = "`initial` is the state the actor starts in: a variant of the state type \
                        by its name, with its data if it has any (`initial = Authenticating`, \
                        `initial = Idle { tries: 0 }`), or a value of the state type \
                        (`initial = LoginState::default()`)";
    let value = value(meta, "initial", HINT, cx)?;
    let head = match value {
        Expr::Path(ExprPath {
            qself: None,
            path,
            attrs,
        }) if attrs.is_empty() => Some(path),
        Expr::Struct(ExprStruct {
            qself: None,
            path,
            attrs,
            ..
        }) if attrs.is_empty() => Some(path),
        Expr::Call(ExprCall { func, attrs, .. }) if attrs.is_empty() => match &**func {
            Expr::Path(ExprPath {
                qself: None,
                path,
                attrs,
            }) if attrs.is_empty() => Some(path),
            _ => None,
        },
        _ => None,
    };
    match head.and_then(Path::get_ident) {
        // The variant's name, then its data as written.
        Some(name) => Some(InitialModel::Variant {
            name: name.clone(),
            data: value.to_token_stream().into_iter().skip(1).collect(),
        }),
        None => Some(InitialModel::Value(value.clone())),
    }
}

const UNHANDLED_POLICIES: &str = "expected one of: `stash`, `dead_letter`, `reply`";

/// `unhandled = stash | dead_letter | reply`.
fn unhandled(meta: &Meta, cx: &Ctxt) -> Option<UnhandledModel> {
    let hint = format!(
        "`unhandled` says what becomes of a message the current state does not handle; \
         {UNHANDLED_POLICIES}"
    );
    let value = value(meta, "unhandled", &hint, cx)?;
    let policy = match value {
        Expr::Path(ExprPath {
            qself: None, path, ..
        }) => path.get_ident().map(|ident| ident.to_string()),
        _ => None,
    };
    match policy.as_deref() {
        Some("stash") => Some(UnhandledModel::Stash),
        Some("dead_letter") => Some(UnhandledModel::DeadLetter),
        Some("reply") => Some(UnhandledModel::Reply),
        _ => {
            let shown = value.to_token_stream().to_string().replace(' ', "");
            cx.error_spanned_by(
                value,
                format!("unknown policy `unhandled = {shown}`; {UNHANDLED_POLICIES}"),
            );
            None
        }
    }
}

/// `stash_capacity = N`, N >= 1.
fn stash_capacity(meta: &Meta, cx: &Ctxt) -> Option<NonZeroUsize> {
    const HINT: &str = "`stash_capacity` takes the number of messages the stash holds, an \
                        integer literal of at least 1: `stash_capacity = 64`";
    let value = value(meta, "stash_capacity", HINT, cx)?;
    let Expr::Lit(ExprLit {
        lit: Lit::Int(int), ..
    }) = value
    else {
        cx.error_spanned_by(value, format!("invalid value for `stash_capacity`; {HINT}"));
        return None;
    };
    match int.base10_parse::<usize>().map(NonZeroUsize::new) {
        Ok(Some(n)) => Some(n),
        Ok(None) => {
            cx.error_spanned_by(
                int,
                "a stash of capacity 0 could hold nothing; use `stash_capacity = 1` or more, or \
                 leave the option out for the default (`rakt::DEFAULT_STASH_CAPACITY`)",
            );
            None
        }
        Err(err) => {
            cx.syn_error(err);
            None
        }
    }
}

/// `remote` (no package) or `remote = "billing.v1"`. The package's form is a rule of the model,
/// checked there.
fn remote(meta: &Meta, cx: &Ctxt) -> Option<Remote> {
    const HINT: &str = "`remote` makes the actor callable from other processes, with an optional \
                        protobuf package: `remote` or `remote = \"billing.v1\"`";
    match meta {
        Meta::Path(path) => Some(Remote {
            package: String::new(),
            at: path.to_token_stream(),
        }),
        Meta::NameValue(MetaNameValue {
            value: Expr::Lit(ExprLit {
                lit: Lit::Str(lit), ..
            }),
            ..
        }) => Some(Remote {
            package: lit.value(),
            at: lit.to_token_stream(),
        }),
        Meta::NameValue(nv) => {
            cx.error_spanned_by(&nv.value, format!("invalid value for `remote`; {HINT}"));
            None
        }
        Meta::List(_) => {
            cx.error_spanned_by(meta, format!("invalid `remote` option; {HINT}"));
            None
        }
    }
}

/// The comma-separated options; nothing if they do not parse (the error goes to `cx`).
fn metas(attr: TokenStream, cx: &Ctxt) -> Vec<Meta> {
    let parser =
        |input: ParseStream| Punctuated::<Meta, Token![,]>::parse_terminated_with(input, option);
    match parser.parse2(attr) {
        Ok(metas) => metas.into_iter().collect(),
        Err(err) => {
            cx.syn_error(err);
            Vec::new()
        }
    }
}

/// One option. The value of `states` is a type, and a generic one (`states = Holding<T>`) is
/// not an expression (`Holding < T > ..`): it is parsed as a type, so that the attribute does
/// not lose every option to a parse error. Any other value is parsed as usual (and `states`
/// reports it as invalid).
fn option(input: ParseStream) -> syn::Result<Meta> {
    let fork = input.fork();
    if let Ok(path) = fork.call(Path::parse_mod_style)
        && path.is_ident("states")
        && let Ok(eq_token) = fork.parse::<Token![=]>()
        && let Ok(Type::Path(TypePath {
            qself: None,
            path: ty,
        })) = fork.parse::<Type>()
        && (fork.is_empty() || fork.peek(Token![,]))
    {
        input.advance_to(&fork);
        return Ok(Meta::NameValue(MetaNameValue {
            path,
            eq_token,
            value: Expr::Path(ExprPath {
                attrs: Vec::new(),
                qself: None,
                path: ty,
            }),
        }));
    }
    input.parse()
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

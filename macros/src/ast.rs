//! A model of the macro input that keeps references to the original `syn` nodes, so that
//! `valid` can point its errors at the offending tokens.
//!
//! Parsing here never fails and reports nothing: it sorts what it finds (a receiver by value,
//! a pattern argument, a `&Ctx`) into variants, and `valid` decides what is an error.

use proc_macro2::Ident;
use rakt_codegen::KeyModel;
use syn::punctuated::Punctuated;
use syn::{
    Attribute, Expr, ExprField, ExprPath, FnArg, GenericArgument, Generics, ImplItem, ImplItemFn,
    Item, ItemImpl, Meta, Pat, PatType, Path, PathArguments, Receiver, ReturnType, Token, Type,
    TypePath, Visibility,
};

/// `#[actor]` on a struct or enum: the actor's state type.
pub struct Decl<'a> {
    /// The type's name.
    pub ident: &'a Ident,
    /// The type's visibility.
    pub vis: &'a Visibility,
    /// The type's generics, where-clause included.
    pub generics: &'a Generics,
}

impl<'a> Decl<'a> {
    /// Models a struct or enum; `None` for any other item.
    pub fn from_item(item: &'a Item) -> Option<Self> {
        let (ident, vis, generics) = match item {
            Item::Struct(s) => (&s.ident, &s.vis, &s.generics),
            Item::Enum(e) => (&e.ident, &e.vis, &e.generics),
            _ => return None,
        };
        Some(Decl {
            ident,
            vis,
            generics,
        })
    }
}

/// `#[actor]` on an inherent impl block.
pub struct Impl<'a> {
    /// The whole block.
    pub item: &'a ItemImpl,
    /// The methods, in order.
    pub methods: Vec<Method<'a>>,
    /// Marker attributes (lifecycle, `#[state]`, `#[handles]`, `#[route]`) on items that are not
    /// methods.
    pub stray_markers: Vec<&'a Attribute>,
}

/// The attribute that lists the states a handler handles its message in.
pub const STATE_MARKER: &str = "state";
/// The attribute that makes a method another handler of a handler's message.
pub const HANDLES_MARKER: &str = "handles";
/// The attribute that tells a router pool how to route a handler's message.
pub const ROUTE_MARKER: &str = "route";
/// The attribute on a message argument that gives its field number on the wire.
pub const FIELD_MARKER: &str = "field";

/// Whether `attr` is one of the markers `#[actor]` reads on the block's items and strips:
/// `#[pre_start]`, `#[post_start]`, `#[post_stop]`, `#[state]`, `#[handles]`, `#[route]`.
pub fn is_marker(attr: &Attribute) -> bool {
    HookKind::of(attr).is_some()
        || attr.path().is_ident(STATE_MARKER)
        || attr.path().is_ident(HANDLES_MARKER)
        || attr.path().is_ident(ROUTE_MARKER)
}

/// The three lifecycle hooks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum HookKind {
    /// `#[pre_start]`
    PreStart,
    /// `#[post_start]`
    PostStart,
    /// `#[post_stop]`
    PostStop,
}

impl HookKind {
    pub const ALL: [HookKind; 3] = [HookKind::PreStart, HookKind::PostStart, HookKind::PostStop];

    /// The marker attribute's name, which is also the `Actor` method's name.
    pub fn name(self) -> &'static str {
        match self {
            HookKind::PreStart => "pre_start",
            HookKind::PostStart => "post_start",
            HookKind::PostStop => "post_stop",
        }
    }

    /// The hook an attribute marks, if it is one of the markers.
    pub fn of(attr: &Attribute) -> Option<HookKind> {
        HookKind::ALL
            .into_iter()
            .find(|kind| attr.path().is_ident(kind.name()))
    }
}

/// One method of the block.
pub struct Method<'a> {
    /// The method as written.
    pub func: &'a ImplItemFn,
    /// Its lifecycle markers (`#[pre_start]` ...), in order.
    pub markers: Vec<(HookKind, &'a Attribute)>,
    /// Its `#[state(..)]` attributes, in order (one is valid).
    pub states: Vec<StateAttr<'a>>,
    /// Its `#[handles(..)]` attributes, in order (one is valid).
    pub handles: Vec<HandlesAttr<'a>>,
    /// Its `#[route(..)]` attributes, in order.
    pub routes: Vec<RouteAttr<'a>>,
    /// How it takes `self`.
    pub receiver: Recv<'a>,
    /// Its parameters after the receiver.
    pub params: Vec<Param<'a>>,
    /// What it returns.
    pub output: Output<'a>,
}

impl Method<'_> {
    /// A handler: has a visibility, no lifecycle marker and no `#[handles]`.
    pub fn is_handler(&self) -> bool {
        self.markers.is_empty()
            && self.handles.is_empty()
            && !matches!(self.func.vis, Visibility::Inherited)
    }

    /// An alternative handler of another handler's message: has `#[handles]` and no lifecycle
    /// marker, whatever its visibility.
    pub fn is_alternative(&self) -> bool {
        self.markers.is_empty() && !self.handles.is_empty()
    }

    /// A lifecycle hook: carries a marker.
    pub fn is_hook(&self) -> bool {
        !self.markers.is_empty()
    }

    /// The method's name.
    pub fn ident(&self) -> &Ident {
        &self.func.sig.ident
    }
}

/// `#[state(A, B)]`.
pub struct StateAttr<'a> {
    /// The attribute as written.
    pub attr: &'a Attribute,
    /// The listed states; paths, so that `LoginState::A` can be told to drop the type. Empty
    /// for a bare `#[state]`; `Err` when the arguments are not a list of paths.
    pub states: syn::Result<Vec<Path>>,
}

/// `#[handles(whoami)]`.
pub struct HandlesAttr<'a> {
    /// The attribute as written.
    pub attr: &'a Attribute,
    /// The handler it names, if the arguments are one identifier.
    pub target: Option<Ident>,
}

/// `#[route(key = user)]`, `#[route(broadcast)]`.
pub struct RouteAttr<'a> {
    /// The attribute as written.
    pub attr: &'a Attribute,
    /// Its options in order; empty for a bare `#[route]` or `#[route()]`; `Err` when the
    /// arguments are not a comma-separated list of options.
    pub options: syn::Result<Vec<RouteOption>>,
}

/// One option of `#[route(..)]`.
pub enum RouteOption {
    /// `key = user`, `key = order.customer`: what to route on.
    Key {
        /// The option as written.
        meta: Meta,
        /// The key as written (`arg` is the argument's name as the marker spells it, `customer`
        /// for an argument `_customer`), if the value is an identifier followed by fields.
        key: Option<KeyModel>,
    },
    /// `broadcast`, or a malformed `broadcast = ..` / `broadcast(..)` (`meta` says which).
    Broadcast(Meta),
    /// Any other option.
    Unknown(Meta),
}

impl RouteOption {
    /// The option as written.
    pub fn meta(&self) -> &Meta {
        match self {
            RouteOption::Key { meta, .. }
            | RouteOption::Broadcast(meta)
            | RouteOption::Unknown(meta) => meta,
        }
    }
}

/// The value of `#[route(key = ..)]` as written: an argument, maybe followed by fields
/// (`order.customer`, `order.customer.id`, `pair.0`); `None` for any other expression.
fn key_path(expr: &Expr) -> Option<KeyModel> {
    match expr {
        Expr::Path(ExprPath {
            qself: None,
            path,
            attrs,
        }) if attrs.is_empty() => Some(KeyModel {
            arg: path.get_ident()?.clone(),
            fields: Vec::new(),
        }),
        Expr::Field(ExprField {
            base,
            member,
            attrs,
            ..
        }) if attrs.is_empty() => {
            let mut key = key_path(base)?;
            key.fields.push(member.clone());
            Some(key)
        }
        _ => None,
    }
}

/// How a method takes `self`.
pub enum Recv<'a> {
    /// No receiver: an associated function.
    Missing,
    /// `&self` (or `self: &Self`).
    Ref,
    /// `&mut self` (or `self: &mut Self`).
    RefMut,
    /// `self` or `mut self`.
    ByValue(&'a Receiver),
    /// Another typed receiver, `self: Box<Self>`.
    Other(&'a Receiver),
}

/// One parameter after the receiver.
pub struct Param<'a> {
    /// The parameter as written.
    pub arg: &'a PatType,
    /// Its name, if the pattern is a plain (maybe `mut`) identifier.
    pub name: Option<&'a Ident>,
    /// What the type makes of it.
    pub kind: ParamKind<'a>,
    /// Its `#[field(N)]` attributes, in order (one is valid, on a message argument).
    pub fields: Vec<&'a Attribute>,
}

/// What a parameter's type makes of it.
pub enum ParamKind<'a> {
    /// `&mut Ctx<..>`: the actor context.
    Ctx,
    /// `&Ctx<..>` or `Ctx<..>`: the context, taken the wrong way.
    CtxNotMutRef,
    /// `ReplySlot<T>` or `ReplySlot<T, E>`; `StreamSlot<T>` or `StreamSlot<T, E>`.
    Slot {
        /// Which slot.
        kind: SlotKind,
        /// `T`: the reply, or each item of the stream.
        ok: &'a Type,
        /// `E`
        err: Option<&'a Type>,
    },
    /// `ReplySlot` or `StreamSlot` with no or too many type arguments.
    SlotArity(SlotKind),
    /// Anything else: a message argument.
    Plain,
}

/// The slot a handler answers through.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SlotKind {
    /// `ReplySlot`: one reply, maybe later (a deferred ask).
    Reply,
    /// `StreamSlot`: a stream of items (a streaming ask).
    Stream,
}

impl SlotKind {
    /// The slot type's name, `ReplySlot`.
    pub fn name(self) -> &'static str {
        match self {
            SlotKind::Reply => "ReplySlot",
            SlotKind::Stream => "StreamSlot",
        }
    }

    fn of(ty: &Type) -> Option<Self> {
        [SlotKind::Reply, SlotKind::Stream]
            .into_iter()
            .find(|kind| last_ident_is(ty, kind.name()))
    }
}

/// What a method returns.
pub enum Output<'a> {
    /// Nothing, or `()`.
    Unit,
    /// `Result<T, E>`, two type arguments.
    Result {
        /// `T`
        ok: &'a Type,
        /// `E`
        err: &'a Type,
    },
    /// Any other type.
    Value(&'a Type),
}

impl<'a> Impl<'a> {
    /// Models an impl block.
    pub fn from_syn(item: &'a ItemImpl) -> Self {
        let mut methods = Vec::new();
        let mut stray_markers = Vec::new();
        for impl_item in &item.items {
            match impl_item {
                ImplItem::Fn(func) => methods.push(Method::from_syn(func)),
                ImplItem::Const(c) => stray_markers.extend(c.attrs.iter().filter(|a| is_marker(a))),
                ImplItem::Type(t) => stray_markers.extend(t.attrs.iter().filter(|a| is_marker(a))),
                ImplItem::Macro(m) => stray_markers.extend(m.attrs.iter().filter(|a| is_marker(a))),
                _ => {}
            }
        }
        Impl {
            item,
            methods,
            stray_markers,
        }
    }
}

fn markers(attrs: &[Attribute]) -> impl Iterator<Item = (HookKind, &Attribute)> {
    attrs
        .iter()
        .filter_map(|attr| Some((HookKind::of(attr)?, attr)))
}

impl<'a> Method<'a> {
    fn from_syn(func: &'a ImplItemFn) -> Self {
        let mut receiver = Recv::Missing;
        let mut params = Vec::new();
        for input in &func.sig.inputs {
            match input {
                FnArg::Receiver(r) => receiver = Recv::from_syn(r),
                FnArg::Typed(arg) => params.push(Param::from_syn(arg)),
            }
        }
        let output = match &func.sig.output {
            ReturnType::Default => Output::Unit,
            ReturnType::Type(_, ty) => Output::from_type(ty),
        };
        Method {
            func,
            markers: markers(&func.attrs).collect(),
            states: func
                .attrs
                .iter()
                .filter(|a| a.path().is_ident(STATE_MARKER))
                .map(StateAttr::from_syn)
                .collect(),
            handles: func
                .attrs
                .iter()
                .filter(|a| a.path().is_ident(HANDLES_MARKER))
                .map(|attr| HandlesAttr {
                    attr,
                    target: attr.parse_args::<Ident>().ok(),
                })
                .collect(),
            routes: func
                .attrs
                .iter()
                .filter(|a| a.path().is_ident(ROUTE_MARKER))
                .map(RouteAttr::from_syn)
                .collect(),
            receiver,
            params,
            output,
        }
    }
}

impl<'a> RouteAttr<'a> {
    fn from_syn(attr: &'a Attribute) -> Self {
        let options = match &attr.meta {
            Meta::Path(_) => Ok(Vec::new()),
            _ => attr
                .parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .map(|list| list.into_iter().map(RouteOption::from_meta).collect()),
        };
        RouteAttr { attr, options }
    }
}

impl RouteOption {
    fn from_meta(meta: Meta) -> Self {
        if meta.path().is_ident("key") {
            let key = match &meta {
                Meta::NameValue(nv) => key_path(&nv.value),
                _ => None,
            };
            RouteOption::Key { meta, key }
        } else if meta.path().is_ident("broadcast") {
            RouteOption::Broadcast(meta)
        } else {
            RouteOption::Unknown(meta)
        }
    }
}

impl<'a> StateAttr<'a> {
    fn from_syn(attr: &'a Attribute) -> Self {
        let states = match &attr.meta {
            Meta::Path(_) => Ok(Vec::new()),
            _ => attr
                .parse_args_with(Punctuated::<Path, Token![,]>::parse_terminated)
                .map(|list| list.into_iter().collect()),
        };
        StateAttr { attr, states }
    }
}

impl<'a> Recv<'a> {
    fn from_syn(r: &'a Receiver) -> Self {
        if r.reference.is_some() {
            return if r.mutability.is_some() {
                Recv::RefMut
            } else {
                Recv::Ref
            };
        }
        if r.colon_token.is_none() {
            return Recv::ByValue(r);
        }
        match peel(&r.ty) {
            Type::Reference(reference) if is_self(&reference.elem) => {
                if reference.mutability.is_some() {
                    Recv::RefMut
                } else {
                    Recv::Ref
                }
            }
            ty if is_self(ty) => Recv::ByValue(r),
            _ => Recv::Other(r),
        }
    }
}

impl<'a> Param<'a> {
    fn from_syn(arg: &'a PatType) -> Self {
        let name = match &*arg.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(&p.ident),
            _ => None,
        };
        let kind = match peel(&arg.ty) {
            Type::Reference(r) if last_ident_is(&r.elem, "Ctx") => {
                if r.mutability.is_some() {
                    ParamKind::Ctx
                } else {
                    ParamKind::CtxNotMutRef
                }
            }
            ty if last_ident_is(ty, "Ctx") => ParamKind::CtxNotMutRef,
            ty => match SlotKind::of(ty) {
                Some(kind) => match type_args(ty).as_slice() {
                    [ok] => ParamKind::Slot {
                        kind,
                        ok,
                        err: None,
                    },
                    [ok, err] => ParamKind::Slot {
                        kind,
                        ok,
                        err: Some(err),
                    },
                    _ => ParamKind::SlotArity(kind),
                },
                None => ParamKind::Plain,
            },
        };
        let fields = arg
            .attrs
            .iter()
            .filter(|a| a.path().is_ident(FIELD_MARKER))
            .collect();
        Param {
            arg,
            name,
            kind,
            fields,
        }
    }
}

impl<'a> Output<'a> {
    /// `Result<(), E>`, or a one-argument `Result` alias of `()` (`io::Result<()>`,
    /// `anyhow::Result<()>`): what a fallible hook returns.
    pub fn is_unit_result(&self) -> bool {
        match self {
            Output::Result { ok, .. } => is_unit(ok),
            Output::Value(ty) => {
                last_ident_is(ty, "Result")
                    && matches!(type_args(ty).as_slice(), [ok] if is_unit(ok))
            }
            Output::Unit => false,
        }
    }

    fn from_type(ty: &'a Type) -> Self {
        match peel(ty) {
            Type::Tuple(t) if t.elems.is_empty() => Output::Unit,
            inner if last_ident_is(inner, "Result") => match type_args(inner).as_slice() {
                [ok, err] => Output::Result { ok, err },
                _ => Output::Value(ty),
            },
            _ => Output::Value(ty),
        }
    }
}

/// `ty` without invisible groups and parentheses.
pub fn peel(mut ty: &Type) -> &Type {
    loop {
        match ty {
            Type::Group(g) => ty = &g.elem,
            Type::Paren(p) => ty = &p.elem,
            _ => return ty,
        }
    }
}

/// `()`.
fn is_unit(ty: &Type) -> bool {
    matches!(peel(ty), Type::Tuple(t) if t.elems.is_empty())
}

fn is_self(ty: &Type) -> bool {
    matches!(peel(ty), Type::Path(TypePath { qself: None, path }) if path.is_ident("Self"))
}

/// Whether `ty` is a path whose last segment is `name` (`Ctx`, `rakt::Ctx<Self>`).
fn last_ident_is(ty: &Type, name: &str) -> bool {
    match peel(ty) {
        Type::Path(TypePath { qself: None, path }) => {
            path.segments.last().is_some_and(|s| s.ident == name)
        }
        _ => false,
    }
}

/// The type arguments of the last path segment; lifetimes and constants are skipped.
fn type_args(ty: &Type) -> Vec<&Type> {
    let Type::Path(TypePath { path, .. }) = peel(ty) else {
        return Vec::new();
    };
    let Some(PathArguments::AngleBracketed(args)) = path.segments.last().map(|s| &s.arguments)
    else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|arg| match arg {
            GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect()
}

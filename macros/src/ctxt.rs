//! Collects the errors of one expansion so that all of them are reported at once, in a stable
//! order: by the check that found them, then by the method they are about.

use std::cell::{Cell, RefCell};
use std::fmt::Display;

use quote::ToTokens;

/// The check an error comes from, in the order errors are reported. The model's rules
/// (checked after the syntax, in `repair.rs`) report in the phase of the check they belong
/// with, so that a block's errors read the same whichever side found them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// The block itself and the options of `#[actor(..)]`.
    #[default]
    Block,
    /// A method's signature, and its message arguments.
    Signatures,
    /// Markers on items that are not methods.
    Markers,
    /// A handler's name against the handle's methods and the message variants.
    Names,
    /// Two handlers with one variant, or one wire name.
    Collisions,
    /// `#[state(..)]` lists.
    States,
    /// `#[route(..)]` markers.
    Routes,
    /// `#[handles(..)]` alternatives.
    Alternatives,
    /// Overlapping state lists of a handler and its alternatives.
    Overlaps,
}

/// The error sink of one expansion (serde's `Ctxt`): every check pushes into it, and
/// [`Ctxt::check`] combines what was pushed into one `syn::Error`, ordered by
/// [`Phase`], then by method, then as pushed.
#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Vec<((Phase, usize), syn::Error)>>,
    /// The phase and the method (index into the block's methods) of the errors pushed next.
    at: Cell<(Phase, usize)>,
}

impl Ctxt {
    /// A sink with no errors.
    pub fn new() -> Self {
        Self::default()
    }

    /// Files the errors pushed from now on under `phase` and method `method`.
    pub fn at(&self, phase: Phase, method: usize) {
        self.at.set((phase, method));
    }

    /// Records an error spanned on the tokens of `obj`.
    pub fn error_spanned_by<A: ToTokens, T: Display>(&self, obj: A, msg: T) {
        self.syn_error(syn::Error::new_spanned(obj.into_token_stream(), msg));
    }

    /// Records an error from a `syn` parser.
    pub fn syn_error(&self, err: syn::Error) {
        self.errors.borrow_mut().push((self.at.get(), err));
    }

    /// The number of errors recorded so far.
    pub fn len(&self) -> usize {
        self.errors.borrow().len()
    }

    /// All recorded errors combined into one, or `Ok` if there were none.
    pub fn check(self) -> Result<(), syn::Error> {
        let mut errors = self.errors.into_inner();
        // Stable: errors of one phase and method stay in the order they were found.
        errors.sort_by_key(|(at, _)| *at);
        let mut errors = errors.into_iter().map(|(_, err)| err);
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for err in errors {
            combined.combine(err);
        }
        Err(combined)
    }
}

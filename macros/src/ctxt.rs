//! Collects the errors of one expansion so that all of them are reported at once.

use std::cell::RefCell;
use std::fmt::Display;

use quote::ToTokens;

/// The error sink of one expansion (serde's `Ctxt`): every check pushes into it, and
/// [`Ctxt::check`] combines what was pushed into one `syn::Error`.
#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    /// A sink with no errors.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error spanned on the tokens of `obj`.
    pub fn error_spanned_by<A: ToTokens, T: Display>(&self, obj: A, msg: T) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(obj.into_token_stream(), msg));
    }

    /// Records an error from a `syn` parser.
    pub fn syn_error(&self, err: syn::Error) {
        self.errors.borrow_mut().push(err);
    }

    /// The number of errors recorded so far.
    pub fn len(&self) -> usize {
        self.errors.borrow().len()
    }

    /// All recorded errors combined into one, or `Ok` if there were none.
    pub fn check(self) -> Result<(), syn::Error> {
        let mut errors = self.errors.into_inner().into_iter();
        let Some(mut combined) = errors.next() else {
            return Ok(());
        };
        for err in errors {
            combined.combine(err);
        }
        Err(combined)
    }
}

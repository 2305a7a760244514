//! What goes wrong with bytes from the wire.

use prost::DecodeError;

use super::codec::FieldError;

/// Why a call or a reply could not be read from the wire. Each names the message it was
/// reading by its protobuf name (`shop.v1.ShopPlaceRequest`); the bytes are the peer's fault,
/// so the call fails and nothing else does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The method is none of the actor's: the peer has another version of the actor, or names
    /// another actor. The method is as the peer sent it.
    #[error("`{method}` is not a method of `{service}`")]
    UnknownMethod {
        /// The actor's wire identity, `shop.v1.Shop`.
        service: &'static str,
        /// The method asked for.
        method: String,
    },
    /// The bytes are not protobuf, or a field is not of its type.
    #[error("malformed `{message}`: {source}")]
    Malformed {
        /// The message being read.
        message: &'static str,
        /// What prost found.
        source: DecodeError,
    },
    /// An enum field holds a number that is none of the enum's values (a peer with a newer
    /// version of the enum); the Rust enum cannot hold it.
    #[error("malformed `{message}`: {value} is not a value of the enum it is sent for")]
    UnknownEnumValue {
        /// The message being read.
        message: &'static str,
        /// The number.
        value: i32,
    },
    /// A length inside the message runs past the end of the bytes or of the map entry that
    /// holds it.
    #[error("malformed `{message}`: a length runs past the end of its bytes")]
    Truncated {
        /// The message being read.
        message: &'static str,
    },
    /// A streamed reply's item arrived while the caller's stream was full: the peer sent more
    /// items than the credit the caller granted.
    #[error("`{message}`: the peer sent more stream items than its credit allows")]
    Overrun {
        /// The reply message the items travel in.
        message: &'static str,
    },
    /// A streamed reply's item carries an error: only the message that ends a stream may.
    #[error("`{message}`: a stream item carries an error, which only a stream's end may")]
    ErrorItem {
        /// The reply message the items travel in.
        message: &'static str,
    },
}

impl WireError {
    /// The error for a call of `method`, which `service` does not have. Used by generated code.
    #[doc(hidden)]
    pub fn unknown_method(service: &'static str, method: &str) -> Self {
        WireError::UnknownMethod {
            service,
            method: method.to_owned(),
        }
    }

    /// The error of `message` for a field that did not decode.
    pub(crate) fn field(message: &'static str, error: FieldError) -> Self {
        match error {
            FieldError::Decode(source) => WireError::Malformed { message, source },
            FieldError::UnknownEnumValue(value) => WireError::UnknownEnumValue { message, value },
            FieldError::Truncated => WireError::Truncated { message },
        }
    }
}

//! Which codec a type the macro cannot read travels with, chosen by the compiler.
//!
//! The macro sees syntax: it knows `u64`, `String`, `Vec<T>`, `Option<T>` and the maps by name,
//! and reads any other path (`Order`, `shop::Color`, an alias `Id`) as "a prost message or
//! enum". A trait with one blanket impl per kind cannot tell those apart: prost implements
//! `Message` for `u64`, `String`, `Vec<u8>`, `()` and the other scalars (the
//! `google.protobuf` wrapper types), so a blanket over `Message` overlaps any scalar impl. The
//! choice is made instead by autoref specialization on the concrete type, where the generated
//! code names it:
//!
//! ```text
//! (&&&&Probe::<T>::new()).__rakt_codec()
//! ```
//!
//! The methods take `&self`, so method lookup first tries the impls for one reference less than
//! the receiver as written (`&&&Probe<T>`), then one less again, and so on: the impl on the most
//! referenced `Probe` that applies wins: a scalar or bytes type itself (so that
//! an alias of `u64` travels as `uint64`, not as the wrapper message), then a prost message,
//! then a prost enum, and last [`Unencodable`], which the generated assertion rejects at the
//! argument's type. This needs the concrete type, one reason a remote actor is not generic.
//!
//! A handler's error type `E` (of `Result<T, E>`) goes through [`ErrorProbe`]: a type that can
//! travel goes as itself; any other goes as text, its `Display`, else its `Debug`, else its type
//! name, and the caller gets that text (see [`ReplySettler`](super::ReplySettler)).

use std::any::type_name;
use std::fmt::{Debug, Display};
use std::marker::PhantomData;

use prost::Message;

use super::codec::{
    Bool, BytesCodec, Double, EnumCodec, Float, Int32, Int64, MessageCodec, ProstEnum, Str, UInt32,
    UInt64, Unencodable, Unit, VecBytes,
};
use super::reply::{NamedText, StatusError, TextError, Typed};
use super::status::Status;

/// The receiver of the codec probe for `T`, written `&&&&Probe::<T>::new()`.
pub struct Probe<T>(PhantomData<fn() -> T>);

impl<T> Probe<T> {
    /// The probe.
    pub const fn new() -> Self {
        Probe(PhantomData)
    }
}

impl<T> Default for Probe<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// First choice: a scalar, string, bytes or unit type itself.
pub trait ProbeExact {
    /// Its codec.
    type Codec;
    /// The codec.
    fn __rakt_codec(&self) -> Self::Codec;
}

macro_rules! exact {
    ($($ty:ty => $codec:ident),* $(,)?) => {
        $(
            impl ProbeExact for &&&Probe<$ty> {
                type Codec = $codec;
                fn __rakt_codec(&self) -> $codec {
                    $codec
                }
            }

            impl ErrorExact for &&&&&ErrorProbe<$ty> {
                type Codec = Typed<$codec>;
                fn __rakt_error_codec(&self) -> Typed<$codec> {
                    Typed($codec)
                }
            }
        )*
    };
}

exact!(
    bool => Bool,
    u32 => UInt32,
    u64 => UInt64,
    i32 => Int32,
    i64 => Int64,
    f32 => Float,
    f64 => Double,
    String => Str,
    Vec<u8> => VecBytes,
    bytes::Bytes => BytesCodec,
    () => Unit,
);

/// A [`Status`] error travels in its own field of the reply.
impl ErrorExact for &&&&&ErrorProbe<Status> {
    type Codec = StatusError;
    fn __rakt_error_codec(&self) -> StatusError {
        StatusError
    }
}

/// Second choice: a prost message.
pub trait ProbeMessage<T> {
    /// Its codec.
    fn __rakt_codec(&self) -> MessageCodec<T>;
}

impl<T: Message + Default> ProbeMessage<T> for &&Probe<T> {
    fn __rakt_codec(&self) -> MessageCodec<T> {
        MessageCodec::new()
    }
}

/// Third choice: a prost enum.
pub trait ProbeEnum<T> {
    /// Its codec.
    fn __rakt_codec(&self) -> EnumCodec<T>;
}

impl<T: ProstEnum> ProbeEnum<T> for &Probe<T> {
    fn __rakt_codec(&self) -> EnumCodec<T> {
        EnumCodec::new()
    }
}

/// Last: a type that cannot travel.
pub trait ProbeNone<T> {
    /// The stand-in codec the generated assertion rejects.
    fn __rakt_codec(&self) -> Unencodable<T>;
}

impl<T> ProbeNone<T> for Probe<T> {
    fn __rakt_codec(&self) -> Unencodable<T> {
        Unencodable::new()
    }
}

/// The receiver of the error probe for `E`, written `&&&&&&ErrorProbe::<E>::new()`.
pub struct ErrorProbe<E>(PhantomData<fn() -> E>);

impl<E> ErrorProbe<E> {
    /// The probe.
    pub const fn new() -> Self {
        ErrorProbe(PhantomData)
    }
}

impl<E> Default for ErrorProbe<E> {
    fn default() -> Self {
        Self::new()
    }
}

/// First choice for an error: a scalar, string, bytes or unit type, typed.
pub trait ErrorExact {
    /// Its codec.
    type Codec;
    /// The codec.
    fn __rakt_error_codec(&self) -> Self::Codec;
}

/// Second choice for an error: a prost message, typed.
pub trait ErrorMessage<E> {
    /// Its codec.
    fn __rakt_error_codec(&self) -> Typed<MessageCodec<E>>;
}

impl<E: Message + Default> ErrorMessage<E> for &&&&ErrorProbe<E> {
    fn __rakt_error_codec(&self) -> Typed<MessageCodec<E>> {
        Typed(MessageCodec::new())
    }
}

/// Third choice for an error: a prost enum, typed.
pub trait ErrorEnum<E> {
    /// Its codec.
    fn __rakt_error_codec(&self) -> Typed<EnumCodec<E>>;
}

impl<E: ProstEnum> ErrorEnum<E> for &&&ErrorProbe<E> {
    fn __rakt_error_codec(&self) -> Typed<EnumCodec<E>> {
        Typed(EnumCodec::new())
    }
}

/// Fourth choice for an error: its `Display` text.
pub trait ErrorDisplay<E> {
    /// Its codec.
    fn __rakt_error_codec(&self) -> TextError<E>;
}

impl<E: Display> ErrorDisplay<E> for &&ErrorProbe<E> {
    fn __rakt_error_codec(&self) -> TextError<E> {
        TextError::new(|error: &E| error.to_string())
    }
}

/// Fifth choice for an error: its `Debug` text.
pub trait ErrorDebug<E> {
    /// Its codec.
    fn __rakt_error_codec(&self) -> TextError<E>;
}

impl<E: Debug> ErrorDebug<E> for &ErrorProbe<E> {
    fn __rakt_error_codec(&self) -> TextError<E> {
        TextError::new(|error: &E| format!("{error:?}"))
    }
}

/// Last choice for an error: its type's name.
pub trait ErrorName<E> {
    /// Its codec.
    fn __rakt_error_codec(&self) -> NamedText<E>;
}

impl<E> ErrorName<E> for ErrorProbe<E> {
    fn __rakt_error_codec(&self) -> NamedText<E> {
        NamedText::new(type_name::<E>())
    }
}

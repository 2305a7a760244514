//! [`Status`]: a handler's error in gRPC's terms, a code, a message and typed details.
//!
//! A handler that returns `Result<T, Status>` (every handler generated from a `.proto`
//! service does) fails the way a gRPC service fails: a plain gRPC client receives the code, the
//! message and the details as the call's status; a rakt caller on another node receives the
//! same `Status` as [`AskError::Handler`](crate::AskError::Handler). On the wire it is
//! `google.rpc.Status`, in its own field of the reply (see the reply format in `rakt::wire`),
//! so the transport can tell it from other errors without knowing the handler.
//!
//! This module owns the type and its encoding; it knows no transport.

use std::fmt;

use bytes::{Buf, BufMut};
use prost::encoding::{self, DecodeContext, WireType};
use prost::{DecodeError, Message};

/// A gRPC status code (`google.rpc.Code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(i32)]
pub enum Code {
    /// Not an error.
    #[default]
    Ok = 0,
    /// The operation was cancelled, typically by the caller.
    Cancelled = 1,
    /// An error with no better code.
    Unknown = 2,
    /// The caller sent an argument that is invalid whatever the system's state.
    InvalidArgument = 3,
    /// The deadline passed before the operation finished.
    DeadlineExceeded = 4,
    /// Something the caller asked for was not found.
    NotFound = 5,
    /// Something the caller tried to create exists already.
    AlreadyExists = 6,
    /// The caller may not do this.
    PermissionDenied = 7,
    /// A resource (a quota, a mailbox, space) ran out.
    ResourceExhausted = 8,
    /// The system is not in the state the operation needs.
    FailedPrecondition = 9,
    /// The operation was aborted, typically by a concurrency conflict.
    Aborted = 10,
    /// An argument was past the valid range.
    OutOfRange = 11,
    /// The operation is not implemented or not supported.
    Unimplemented = 12,
    /// An invariant of the system is broken.
    Internal = 13,
    /// The service cannot be reached now; retrying may help.
    Unavailable = 14,
    /// Data was lost or corrupted.
    DataLoss = 15,
    /// The caller has no valid credentials.
    Unauthenticated = 16,
}

impl Code {
    /// The code numbered `number`; a number gRPC does not define is [`Code::Unknown`], as gRPC
    /// reads it.
    pub fn from_i32(number: i32) -> Code {
        match number {
            0 => Code::Ok,
            1 => Code::Cancelled,
            2 => Code::Unknown,
            3 => Code::InvalidArgument,
            4 => Code::DeadlineExceeded,
            5 => Code::NotFound,
            6 => Code::AlreadyExists,
            7 => Code::PermissionDenied,
            8 => Code::ResourceExhausted,
            9 => Code::FailedPrecondition,
            10 => Code::Aborted,
            11 => Code::OutOfRange,
            12 => Code::Unimplemented,
            13 => Code::Internal,
            14 => Code::Unavailable,
            15 => Code::DataLoss,
            16 => Code::Unauthenticated,
            _ => Code::Unknown,
        }
    }

    /// The code's number.
    pub fn as_i32(self) -> i32 {
        self as i32
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// One typed detail of a [`Status`] (`google.protobuf.Any`): a message and the URL of its
/// type, `type.googleapis.com/google.rpc.BadRequest`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Detail {
    /// The type's URL; its last segment is the message's full protobuf name.
    pub type_url: String,
    /// The message's bytes.
    pub value: Vec<u8>,
}

impl Detail {
    /// The detail holding `message`, whose full protobuf name is `name`
    /// (`google.rpc.BadRequest`).
    pub fn new(name: &str, message: &impl Message) -> Detail {
        Detail {
            type_url: format!("type.googleapis.com/{name}"),
            value: message.encode_to_vec(),
        }
    }
}

impl fmt::Debug for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Detail")
            .field("type_url", &self.type_url)
            .field("bytes", &self.value.len())
            .finish()
    }
}

impl Message for Detail {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        if !self.type_url.is_empty() {
            encoding::string::encode(1, &self.type_url, buf);
        }
        if !self.value.is_empty() {
            encoding::bytes::encode(2, &self.value, buf);
        }
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        match tag {
            1 => encoding::string::merge(wire_type, &mut self.type_url, buf, ctx),
            2 => encoding::bytes::merge(wire_type, &mut self.value, buf, ctx),
            _ => encoding::skip_field(wire_type, tag, buf, ctx),
        }
    }

    fn encoded_len(&self) -> usize {
        let url = if self.type_url.is_empty() {
            0
        } else {
            encoding::string::encoded_len(1, &self.type_url)
        };
        let value = if self.value.is_empty() {
            0
        } else {
            encoding::bytes::encoded_len(2, &self.value)
        };
        url + value
    }

    fn clear(&mut self) {
        self.type_url.clear();
        self.value.clear();
    }
}

/// A handler's error in gRPC's terms (`google.rpc.Status`): a [`Code`], a message for people,
/// and typed [`Detail`]s for programs.
///
/// ```
/// use rakt::wire::{Code, Status};
///
/// let status = Status::not_found("no account `alice`");
/// assert_eq!(status.code(), Code::NotFound);
/// assert_eq!(status.to_string(), "NotFound: no account `alice`");
/// ```
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Status {
    code: Code,
    message: String,
    details: Vec<Detail>,
}

macro_rules! shorthands {
    ($($(#[$doc:meta])* $name:ident => $code:ident,)*) => {
        $(
            $(#[$doc])*
            pub fn $name(message: impl Into<String>) -> Status {
                Status::new(Code::$code, message)
            }
        )*
    };
}

impl Status {
    /// A status with `code` and `message`.
    pub fn new(code: Code, message: impl Into<String>) -> Status {
        Status {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    shorthands! {
        /// [`Code::Cancelled`] with `message`.
        cancelled => Cancelled,
        /// [`Code::Unknown`] with `message`.
        unknown => Unknown,
        /// [`Code::InvalidArgument`] with `message`.
        invalid_argument => InvalidArgument,
        /// [`Code::DeadlineExceeded`] with `message`.
        deadline_exceeded => DeadlineExceeded,
        /// [`Code::NotFound`] with `message`.
        not_found => NotFound,
        /// [`Code::AlreadyExists`] with `message`.
        already_exists => AlreadyExists,
        /// [`Code::PermissionDenied`] with `message`.
        permission_denied => PermissionDenied,
        /// [`Code::ResourceExhausted`] with `message`.
        resource_exhausted => ResourceExhausted,
        /// [`Code::FailedPrecondition`] with `message`.
        failed_precondition => FailedPrecondition,
        /// [`Code::Aborted`] with `message`.
        aborted => Aborted,
        /// [`Code::OutOfRange`] with `message`.
        out_of_range => OutOfRange,
        /// [`Code::Unimplemented`] with `message`.
        unimplemented => Unimplemented,
        /// [`Code::Internal`] with `message`.
        internal => Internal,
        /// [`Code::Unavailable`] with `message`.
        unavailable => Unavailable,
        /// [`Code::DataLoss`] with `message`.
        data_loss => DataLoss,
        /// [`Code::Unauthenticated`] with `message`.
        unauthenticated => Unauthenticated,
    }

    /// The status with `detail` added.
    pub fn with_detail(mut self, detail: Detail) -> Status {
        self.details.push(detail);
        self
    }

    /// The code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The typed details, in order.
    pub fn details(&self) -> &[Detail] {
        &self.details
    }
}

impl fmt::Debug for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Status");
        s.field("code", &self.code).field("message", &self.message);
        if !self.details.is_empty() {
            s.field("details", &self.details);
        }
        s.finish()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.is_empty() {
            write!(f, "{}", self.code)
        } else {
            write!(f, "{}: {}", self.code, self.message)
        }
    }
}

impl std::error::Error for Status {}

impl Message for Status {
    fn encode_raw(&self, buf: &mut impl BufMut) {
        if self.code != Code::Ok {
            encoding::int32::encode(1, &self.code.as_i32(), buf);
        }
        if !self.message.is_empty() {
            encoding::string::encode(2, &self.message, buf);
        }
        encoding::message::encode_repeated(3, &self.details, buf);
    }

    fn merge_field(
        &mut self,
        tag: u32,
        wire_type: WireType,
        buf: &mut impl Buf,
        ctx: DecodeContext,
    ) -> Result<(), DecodeError> {
        match tag {
            1 => {
                let mut number = self.code.as_i32();
                encoding::int32::merge(wire_type, &mut number, buf, ctx)?;
                self.code = Code::from_i32(number);
                Ok(())
            }
            2 => encoding::string::merge(wire_type, &mut self.message, buf, ctx),
            3 => encoding::message::merge_repeated(wire_type, &mut self.details, buf, ctx),
            _ => encoding::skip_field(wire_type, tag, buf, ctx),
        }
    }

    fn encoded_len(&self) -> usize {
        let code = if self.code == Code::Ok {
            0
        } else {
            encoding::int32::encoded_len(1, &self.code.as_i32())
        };
        let message = if self.message.is_empty() {
            0
        } else {
            encoding::string::encoded_len(2, &self.message)
        };
        code + message + encoding::message::encoded_len_repeated(3, &self.details)
    }

    fn clear(&mut self) {
        *self = Status::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_round_trips_as_google_rpc_status() {
        let status = Status::failed_precondition("overdrawn").with_detail(Detail {
            type_url: "type.googleapis.com/bank.v1.Overdraft".into(),
            value: vec![8, 5],
        });
        let bytes = status.encode_to_vec();
        // code = 9, message = "overdrawn", details[0] = Any { type_url, value }.
        assert_eq!(&bytes[..2], &[0x08, 9]);
        assert_eq!(&bytes[2..4], &[0x12, 9]);
        assert_eq!(&bytes[4..13], b"overdrawn");
        assert_eq!(bytes[13], 0x1a);
        assert_eq!(Status::decode(bytes.as_slice()).unwrap(), status);
    }

    #[test]
    fn an_unknown_code_reads_as_unknown_and_hostile_bytes_are_an_error() {
        let status = Status::decode([0x08, 99].as_slice()).unwrap();
        assert_eq!(status.code(), Code::Unknown);
        assert!(Status::decode([0x12, 0x05, b'a'].as_slice()).is_err());
        assert!(Status::decode([0x1a, 0x02, 0x0a, 0x07].as_slice()).is_err());
    }
}

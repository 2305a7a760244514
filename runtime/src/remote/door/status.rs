//! What a door call answers: the response bytes of a reply, or the gRPC status of everything
//! else (see the [table](super#statuses)). Also the client's deadline, from `grpc-timeout`.
//!
//! This module owns the mapping only; it delivers nothing.

use std::time::Duration;

use bytes::Bytes;
use prost::Message;
use prost::encoding::{DecodeContext, WireType, decode_key, decode_varint, skip_field};
use tonic::codegen::http::HeaderMap;
use tonic::{Code, Status};

use crate::error::AskError;
use crate::wire::{Detail, GrpcShape, Status as WireStatus, WireMethod};

/// Why a call did not reach its actor.
#[derive(Debug)]
pub(crate) enum Refused {
    /// No actor of the method's kind at that name or path.
    NoActor(String),
    /// The actor has stopped or is stopping.
    Stopped(String),
    /// The actor's bounded mailbox is full.
    MailboxFull(String),
    /// The request bytes are not the method's arguments.
    Malformed(String),
    /// Activating the actor failed (its constructor panicked).
    Failed(String),
    /// The node or its actor system is shutting down.
    ShuttingDown,
}

impl From<Refused> for Status {
    fn from(refused: Refused) -> Status {
        match refused {
            Refused::NoActor(message) => Status::not_found(message),
            Refused::Stopped(message) => Status::unavailable(message),
            Refused::MailboxFull(message) => Status::resource_exhausted(message),
            Refused::Malformed(message) => Status::invalid_argument(message),
            Refused::Failed(message) => Status::internal(message),
            Refused::ShuttingDown => Status::unavailable("the node is shutting down"),
        }
    }
}

/// The status of an ask that ended without the handler's reply; `timeout` is the one it was
/// given.
pub(crate) fn ask_failed(error: AskError, timeout: Duration) -> Status {
    let message = error.to_string();
    match error {
        AskError::Handler(never) => match never {},
        AskError::Timeout(_) => deadline_exceeded(timeout),
        AskError::Stopped => Status::unavailable(message),
        AskError::MailboxFull | AskError::StashFull { .. } => Status::resource_exhausted(message),
        AskError::Failed(_) | AskError::NoReply => Status::internal(message),
        AskError::Unhandled { .. } => Status::failed_precondition(message),
        AskError::Remote(_) => Status::unknown(message),
    }
}

/// No reply within the call's deadline.
pub(crate) fn deadline_exceeded(timeout: Duration) -> Status {
    Status::deadline_exceeded(format!("no reply within {timeout:?}"))
}

/// The fields of a reply message (see [`crate::wire`]'s reply format), as byte ranges.
#[derive(Default)]
struct ReplyFields {
    /// The values of field 1 (a message may come in parts), for [`GrpcShape::Unwrapped`].
    value: Vec<(usize, usize)>,
    /// The whole of field 2 (key and value): a typed error.
    error: Option<(usize, usize)>,
    /// The value of field 3: an error's text.
    text: Option<(usize, usize)>,
    /// The value of field 4: a `google.rpc.Status`.
    status: Option<(usize, usize)>,
}

/// The length-delimited value at the front of `buf`, as a range of `whole`.
fn delimited(whole: &[u8], buf: &mut &[u8]) -> Option<(usize, usize)> {
    let len = usize::try_from(decode_varint(buf).ok()?).ok()?;
    if len > buf.len() {
        return None;
    }
    let start = whole.len() - buf.len();
    *buf = &buf[len..];
    Some((start, start + len))
}

fn split(reply: &[u8]) -> Option<ReplyFields> {
    let mut fields = ReplyFields::default();
    let mut buf = reply;
    while !buf.is_empty() {
        let start = reply.len() - buf.len();
        let (tag, wire_type) = decode_key(&mut buf).ok()?;
        match (tag, wire_type) {
            (1, WireType::LengthDelimited) => fields.value.push(delimited(reply, &mut buf)?),
            (3, WireType::LengthDelimited) => fields.text = Some(delimited(reply, &mut buf)?),
            (4, WireType::LengthDelimited) => fields.status = Some(delimited(reply, &mut buf)?),
            _ => {
                skip_field(wire_type, tag, &mut buf, DecodeContext::default()).ok()?;
                if tag == 2 {
                    fields.error = Some((start, reply.len() - buf.len()));
                }
            }
        }
    }
    Some(fields)
}

/// The response to a call of `method` whose actor answered `reply`, or the status of the
/// handler's error in it.
pub(crate) fn response(method: &WireMethod, reply: Vec<u8>) -> Result<Bytes, Status> {
    let Some(fields) = split(&reply) else {
        return Err(Status::internal(format!(
            "the reply of {} does not decode",
            method.path
        )));
    };
    let at = |(start, end): (usize, usize)| &reply[start..end];
    if let Some(range) = fields.status {
        let bytes = at(range);
        return Err(match WireStatus::decode(bytes) {
            Ok(status) => {
                let code = match Code::from_i32(status.code().as_i32()) {
                    Code::Ok => Code::Unknown,
                    code => code,
                };
                Status::with_details(code, status.message(), Bytes::copy_from_slice(bytes))
            }
            Err(error) => Status::internal(format!(
                "the status {} answered does not decode: {error}",
                method.path
            )),
        });
    }
    if let Some(range) = fields.error {
        let reply_name = method.reply.unwrap_or_default();
        let message =
            format!("the handler returned an error: `{reply_name}.error`, in the status details");
        let details = WireStatus::new(crate::wire::Code::Unknown, message.as_str())
            .with_detail(Detail {
                type_url: format!("type.googleapis.com/{reply_name}"),
                value: at(range).to_vec(),
            })
            .encode_to_vec();
        return Err(Status::with_details(
            Code::Unknown,
            message,
            Bytes::from(details),
        ));
    }
    if let Some(range) = fields.text {
        return Err(Status::unknown(
            String::from_utf8_lossy(at(range)).into_owned(),
        ));
    }
    Ok(match (method.grpc, fields.value.as_slice()) {
        (GrpcShape::Unwrapped, []) => Bytes::new(),
        (GrpcShape::Unwrapped, &[(start, end)]) => Bytes::from(reply).slice(start..end),
        (GrpcShape::Unwrapped, parts) => Bytes::from(
            parts
                .iter()
                .flat_map(|&part| at(part))
                .copied()
                .collect::<Vec<u8>>(),
        ),
        _ => Bytes::from(reply),
    })
}

/// The arguments message of a call of `method` whose request is `request`.
pub(crate) fn arguments(method: &WireMethod, request: Bytes) -> Bytes {
    match method.grpc {
        GrpcShape::Unwrapped => {
            let mut wrapped = Vec::with_capacity(request.len() + 6);
            prost::encoding::bytes::encode(1, &request, &mut wrapped);
            Bytes::from(wrapped)
        }
        _ => request,
    }
}

/// The client's deadline (`grpc-timeout`: up to 8 digits and a unit, `H`, `M`, `S`, `m`, `u`
/// or `n`); `None` when there is none or it does not parse.
pub(crate) fn grpc_timeout(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let amount: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(amount * 3600),
        "M" => Duration::from_secs(amount * 60),
        "S" => Duration::from_secs(amount),
        "m" => Duration::from_millis(amount),
        "u" => Duration::from_micros(amount),
        "n" => Duration::from_nanos(amount),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::Code as WireCode;

    const ASK: WireMethod = WireMethod::new(
        "t.v1.T/Get",
        "Get",
        "t.v1.TGetRequest",
        Some("t.v1.TGetReply"),
    );
    const UNWRAPPED: WireMethod = WireMethod::unwrapped(
        "t.v1.T/Get",
        "Get",
        "t.v1.GetRequest",
        Some("t.v1.GetReply"),
    );

    #[test]
    fn a_value_is_the_reply_or_its_field_1() {
        // `{ value: { 1: 7 } }`
        let reply = vec![0x0a, 0x02, 0x08, 0x07];
        assert_eq!(response(&ASK, reply.clone()).unwrap(), reply);
        assert_eq!(
            response(&UNWRAPPED, reply).unwrap(),
            [0x08, 0x07].as_slice()
        );
        assert_eq!(response(&UNWRAPPED, Vec::new()).unwrap(), Bytes::new());
        // A value in two parts is their concatenation, as protobuf merges them.
        let parts = vec![0x0a, 0x02, 0x08, 0x07, 0x0a, 0x02, 0x10, 0x01];
        assert_eq!(
            response(&UNWRAPPED, parts).unwrap(),
            [0x08, 0x07, 0x10, 0x01].as_slice()
        );
    }

    #[test]
    fn errors_are_statuses() {
        let status = WireStatus::not_found("no account").with_detail(Detail {
            type_url: "type.googleapis.com/x.Y".into(),
            value: vec![1],
        });
        let mut reply = Vec::new();
        prost::encoding::message::encode(4, &status, &mut reply);
        let got = response(&ASK, reply).unwrap_err();
        assert_eq!(got.code(), Code::NotFound);
        assert_eq!(got.message(), "no account");
        assert_eq!(WireStatus::decode(got.details()).unwrap(), status);

        // A typed error (an enum, a varint) travels whole, as the reply message with only it.
        let got = response(&ASK, vec![0x10, 0x03]).unwrap_err();
        assert_eq!(got.code(), Code::Unknown);
        let details = WireStatus::decode(got.details()).unwrap();
        assert_eq!(details.code(), WireCode::Unknown);
        assert_eq!(
            details.details()[0].type_url,
            "type.googleapis.com/t.v1.TGetReply"
        );
        assert_eq!(details.details()[0].value, [0x10, 0x03]);

        let got = response(&ASK, vec![0x1a, 0x02, b'n', b'o']).unwrap_err();
        assert_eq!((got.code(), got.message()), (Code::Unknown, "no"));

        assert_eq!(
            response(&ASK, vec![0x0a, 0x09]).unwrap_err().code(),
            Code::Internal
        );
    }

    #[test]
    fn unwrapped_requests_become_field_1() {
        assert_eq!(
            arguments(&UNWRAPPED, Bytes::from_static(&[0x08, 0x07])),
            [0x0a, 0x02, 0x08, 0x07].as_slice()
        );
        assert_eq!(
            arguments(&ASK, Bytes::from_static(&[0x08, 0x07])),
            [0x08, 0x07].as_slice()
        );
    }

    #[test]
    fn deadlines_parse() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("grpc-timeout", value.parse().unwrap());
            grpc_timeout(&headers)
        };
        assert_eq!(with("250m"), Some(Duration::from_millis(250)));
        assert_eq!(with("3S"), Some(Duration::from_secs(3)));
        assert_eq!(with("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(with("10u"), Some(Duration::from_micros(10)));
        assert_eq!(with("123456789S"), None);
        assert_eq!(with("S"), None);
        assert_eq!(with("5x"), None);
        assert_eq!(grpc_timeout(&HeaderMap::new()), None);
    }
}

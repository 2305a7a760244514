//! Replies: every shape of value, typed and text errors, deferred and failed asks, through both
//! ends (the actor's node encodes, the caller's node settles), against the prost struct of the
//! equivalent `.proto` reply message.

use std::collections::BTreeMap;

use futures_util::FutureExt;
use proptest::prelude::*;
use prost::Message;
use rakt::__private::wire as codec;
use rakt::prelude::*;
use rakt::wire::{Code, Detail, EncodedReply, RemoteActor, Status};

use crate::common::{Color, Id, Order, color, list, order};

/// A prost message used as a handler's error.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Refusal {
    /// Why.
    #[prost(string, tag = "1")]
    pub reason: String,
}

/// An error with `Display`: travels as its text.
#[derive(Debug, thiserror::Error)]
#[error("out of stock: {0}")]
pub struct OutOfStock(String);

/// An error with `Debug` only.
#[derive(Debug)]
pub struct DebugOnly {
    _code: u32,
}

/// An error with neither.
pub struct Opaque;

#[actor]
#[derive(Default)]
pub(crate) struct Answers;

#[actor(remote = "test.v1")]
impl Answers {
    pub(crate) fn count(&self, n: u64) -> u64 {
        n
    }

    pub(crate) fn names(&self, names: Vec<String>) -> Vec<String> {
        names
    }

    pub(crate) fn lookup(&self, order: Option<Order>) -> Option<Order> {
        order
    }

    pub(crate) fn colors(&self, colors: BTreeMap<String, Color>) -> BTreeMap<String, Color> {
        colors
    }

    pub(crate) fn checked(&self, value: u32, fail: Option<String>) -> Result<u32, String> {
        fail.map_or(Ok(value), Err)
    }

    pub(crate) fn validate(&self, order: Order, fail: bool) -> Result<Order, Refusal> {
        if fail {
            Err(Refusal {
                reason: order.id.clone(),
            })
        } else {
            Ok(order)
        }
    }

    pub(crate) fn guarded(&self, value: u32, fail: bool) -> Result<u32, Status> {
        if fail {
            Err(
                Status::not_found(format!("no {value}")).with_detail(Detail {
                    type_url: "type.googleapis.com/test.v1.Missing".to_owned(),
                    value: vec![8, 1],
                }),
            )
        } else {
            Ok(value)
        }
    }

    pub(crate) fn paint(&self, color: Color, fail: bool) -> Result<Color, Color> {
        if fail { Err(color) } else { Ok(color) }
    }

    pub(crate) fn stock(&self, item: String) -> Result<(), OutOfStock> {
        if item.is_empty() {
            Ok(())
        } else {
            Err(OutOfStock(item))
        }
    }

    pub(crate) fn debug_only(&self) -> Result<u32, DebugOnly> {
        Err(DebugOnly { _code: 7 })
    }

    pub(crate) fn opaque(&self) -> Result<u32, Opaque> {
        Err(Opaque)
    }

    pub(crate) fn later(&self, fail: bool, reply: ReplySlot<(), String>) {
        let _ = if fail {
            reply.fail("later".to_owned())
        } else {
            reply.send(())
        };
    }

    pub(crate) fn alias(&self, id: Id) -> Id {
        id + 1
    }

    pub(crate) fn boom(&self) -> u32 {
        panic!("boom")
    }
}

/// The reply of a call of `method` with `payload`, answered by `answer` (which takes the
/// message's reply slot and answers it) without an actor.
fn answered(method: &str, payload: &[u8], answer: impl FnOnce(AnswersMsg)) -> Vec<u8> {
    let (msg, reply) = Answers::decode_call(method, payload)
        .expect("the arguments decode")
        .into_parts();
    answer(msg);
    reply
        .into_unary()
        .expect("an ask")
        .now_or_never()
        .expect("answered at once")
        .expect("a reply message")
}

/// The payload of `msg`.
fn payload(msg: AnswersMsg) -> (&'static str, Vec<u8>) {
    let (method, payload, _) = Answers::encode_call(msg).into_parts();
    (method, payload)
}

#[derive(Clone, PartialEq, prost::Message)]
struct CountReply {
    #[prost(uint64, tag = "1")]
    value: u64,
}

#[derive(Clone, PartialEq, prost::Message)]
struct NamesReply {
    #[prost(string, repeated, tag = "1")]
    value: Vec<String>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct LookupReply {
    #[prost(message, optional, tag = "1")]
    value: Option<Order>,
}

#[derive(Clone, PartialEq, prost::Message)]
struct ColorsReply {
    #[prost(btree_map = "string, enumeration(Color)", tag = "1")]
    value: BTreeMap<String, i32>,
}

/// `oneof failure { string error = 2; string error_text = 3; }`
#[derive(Clone, PartialEq, prost::Oneof)]
enum StringError {
    #[prost(string, tag = "2")]
    Error(String),
    #[prost(string, tag = "3")]
    ErrorText(String),
}

#[derive(Clone, PartialEq, prost::Message)]
struct CheckedReply {
    #[prost(uint32, tag = "1")]
    value: u32,
    #[prost(oneof = "StringError", tags = "2, 3")]
    error: Option<StringError>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
enum RefusalError {
    #[prost(message, tag = "2")]
    Error(Refusal),
    #[prost(string, tag = "3")]
    ErrorText(String),
}

#[derive(Clone, PartialEq, prost::Message)]
struct ValidateReply {
    #[prost(message, optional, tag = "1")]
    value: Option<Order>,
    #[prost(oneof = "RefusalError", tags = "2, 3")]
    error: Option<RefusalError>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
enum ColorError {
    #[prost(enumeration = "Color", tag = "2")]
    Error(i32),
    #[prost(string, tag = "3")]
    ErrorText(String),
}

#[derive(Clone, PartialEq, prost::Message)]
struct PaintReply {
    #[prost(enumeration = "Color", tag = "1")]
    value: i32,
    #[prost(oneof = "ColorError", tags = "2, 3")]
    error: Option<ColorError>,
}

/// A reply whose value is `()`: only the error.
#[derive(Clone, PartialEq, prost::Message)]
struct UnitReply {
    #[prost(oneof = "StringError", tags = "2, 3")]
    error: Option<StringError>,
}

proptest! {
    #[test]
    fn plain_values(n in any::<u64>(), names in list(any::<String>()),
                    order in proptest::option::of(order()),
                    colors in prop::collection::btree_map(any::<String>(), color(), 0..4)) {
        let (method, bytes) = payload(AnswersMsg::Count { n, reply: caller_slot() });
        let reply = answered(method, &bytes, |msg| match msg {
            AnswersMsg::Count { n, reply } => { let _ = reply.send(n); }
            _ => panic!("another variant"),
        });
        prop_assert_eq!(reply, CountReply { value: n }.encode_to_vec());

        let (method, bytes) = payload(AnswersMsg::Names { names: names.clone(), reply: caller_slot() });
        let reply = answered(method, &bytes, |msg| match msg {
            AnswersMsg::Names { names, reply } => { let _ = reply.send(names); }
            _ => panic!("another variant"),
        });
        prop_assert_eq!(reply, NamesReply { value: names }.encode_to_vec());

        let (method, bytes) = payload(AnswersMsg::Lookup { order: order.clone(), reply: caller_slot() });
        let reply = answered(method, &bytes, |msg| match msg {
            AnswersMsg::Lookup { order, reply } => { let _ = reply.send(order); }
            _ => panic!("another variant"),
        });
        prop_assert_eq!(reply, LookupReply { value: order }.encode_to_vec());

        let (method, bytes) = payload(AnswersMsg::Colors { colors: colors.clone(), reply: caller_slot() });
        let reply = answered(method, &bytes, |msg| match msg {
            AnswersMsg::Colors { colors, reply } => { let _ = reply.send(colors); }
            _ => panic!("another variant"),
        });
        let value = colors.iter().map(|(k, c)| (k.clone(), *c as i32)).collect();
        prop_assert_eq!(reply, ColorsReply { value }.encode_to_vec());
    }

    #[test]
    fn typed_errors(value in any::<u32>(), fail in proptest::option::of(any::<String>()),
                    order in order(), color in color(), refuse in any::<bool>()) {
        let (method, bytes) = payload(AnswersMsg::Checked {
            value, fail: fail.clone(), reply: caller_slot(),
        });
        let reply = answered(method, &bytes, |msg| match msg {
            AnswersMsg::Checked { value, fail, reply } => {
                let _ = reply.send_result(fail.map_or(Ok(value), Err));
            }
            _ => panic!("another variant"),
        });
        let expected = match fail {
            Some(error) => CheckedReply { value: 0, error: Some(StringError::Error(error)) },
            None => CheckedReply { value, error: None },
        };
        prop_assert_eq!(reply, expected.encode_to_vec());

        let (method, bytes) = payload(AnswersMsg::Validate {
            order: order.clone(), fail: refuse, reply: caller_slot(),
        });
        let reply = answered(method, &bytes, |msg| match msg {
            AnswersMsg::Validate { order, fail, reply } => {
                let _ = if fail {
                    reply.fail(Refusal { reason: order.id })
                } else {
                    reply.send(order)
                };
            }
            _ => panic!("another variant"),
        });
        let expected = if refuse {
            ValidateReply {
                value: None,
                error: Some(RefusalError::Error(Refusal { reason: order.id.clone() })),
            }
        } else {
            ValidateReply { value: Some(order), error: None }
        };
        prop_assert_eq!(reply, expected.encode_to_vec());

        let (method, bytes) = payload(AnswersMsg::Paint { color, fail: refuse, reply: caller_slot() });
        let reply = answered(method, &bytes, |msg| match msg {
            AnswersMsg::Paint { color, fail, reply } => {
                let _ = if fail { reply.fail(color) } else { reply.send(color) };
            }
            _ => panic!("another variant"),
        });
        // An error is present even when it is the default (`Red`): a `oneof` member.
        let expected = if refuse {
            PaintReply { value: 0, error: Some(ColorError::Error(color as i32)) }
        } else {
            PaintReply { value: color as i32, error: None }
        };
        prop_assert_eq!(reply, expected.encode_to_vec());
    }
}

/// A slot for the caller's side of an ask in these tests: the transport's proxy gets it from
/// the handle; here, from the reply channel the generated code uses.
fn caller_slot<T: Send + 'static, E: Send + 'static>() -> ReplySlot<T, E> {
    let (slot, reply) = EncodedReply::channel(Nothing::<T>::default(), NoErrors::<E>::default());
    drop(reply);
    slot
}

/// A codec that writes nothing, for [`caller_slot`]'s unused reply.
struct Nothing<T>(std::marker::PhantomData<fn() -> T>);

impl<T> Default for Nothing<T> {
    fn default() -> Self {
        Nothing(std::marker::PhantomData)
    }
}

impl<T> codec::Codec for Nothing<T> {
    type Value = T;
    fn empty(&self) -> T {
        unreachable!("never decodes")
    }
    fn encode(&self, _: u32, _: &T, _: &mut impl bytes::BufMut) {}
    fn encoded_len(&self, _: u32, _: &T) -> usize {
        0
    }
    fn merge(
        &self,
        _: codec::WireType,
        _: &mut T,
        _: &mut impl bytes::Buf,
        _: codec::DecodeContext,
    ) -> Result<(), codec::FieldError> {
        Ok(())
    }
}

/// An error codec that writes nothing, for [`caller_slot`]'s unused reply.
struct NoErrors<E>(std::marker::PhantomData<fn() -> E>);

impl<E> Default for NoErrors<E> {
    fn default() -> Self {
        NoErrors(std::marker::PhantomData)
    }
}

impl<E> codec::ErrorCodec for NoErrors<E> {
    type Error = E;
    fn encode(&self, _: &E, _: &mut impl bytes::BufMut) {}
    fn merge(
        &self,
        _: codec::WireType,
        _: &mut Option<E>,
        _: &mut impl bytes::Buf,
        _: codec::DecodeContext,
    ) -> Result<(), codec::FieldError> {
        Ok(())
    }
}

/// A call from the wire, served by a real actor: decoded, sent, answered, encoded.
async fn serve(
    actor: &ActorRef<Answers>,
    method: &str,
    payload: &[u8],
) -> Result<Vec<u8>, AskError> {
    let (msg, reply) = Answers::decode_call(method, payload)
        .expect("the arguments decode")
        .into_parts();
    actor.tell(msg).await.expect("the actor takes it");
    reply.into_unary().expect("an ask").await
}

/// Errors whose type cannot travel go as their text, `Display` first, then `Debug`, then the
/// type's name; a deferred reply and a `()` value travel like any other.
#[tokio::test]
async fn text_errors_and_deferred_replies() {
    let system = ActorSystem::builder("wire").build().await.unwrap();
    let answers: AnswersRef = system.spawn("answers", Answers).await.unwrap();
    let actor = answers.actor_ref();
    let text = |text: &str| {
        UnitReply {
            error: Some(StringError::ErrorText(text.to_owned())),
        }
        .encode_to_vec()
    };

    let (method, bytes) = payload(AnswersMsg::Stock {
        item: "socks".to_owned(),
        reply: caller_slot(),
    });
    assert_eq!(
        serve(actor, method, &bytes).await,
        Ok(text("out of stock: socks"))
    );
    let (method, bytes) = payload(AnswersMsg::Stock {
        item: String::new(),
        reply: caller_slot(),
    });
    assert_eq!(serve(actor, method, &bytes).await, Ok(Vec::new()));

    let (method, bytes) = payload(AnswersMsg::DebugOnly {
        reply: caller_slot(),
    });
    assert_eq!(
        serve(actor, method, &bytes).await,
        Ok(text("DebugOnly { _code: 7 }"))
    );
    let (method, bytes) = payload(AnswersMsg::Opaque {
        reply: caller_slot(),
    });
    assert_eq!(
        serve(actor, method, &bytes).await,
        Ok(text("wire::replies::Opaque"))
    );

    let (method, bytes) = payload(AnswersMsg::Later {
        fail: false,
        reply: caller_slot(),
    });
    assert_eq!(serve(actor, method, &bytes).await, Ok(Vec::new()));
    let (method, bytes) = payload(AnswersMsg::Later {
        fail: true,
        reply: caller_slot(),
    });
    let typed = UnitReply {
        error: Some(StringError::Error("later".to_owned())),
    };
    assert_eq!(
        serve(actor, method, &bytes).await,
        Ok(typed.encode_to_vec())
    );

    let (method, bytes) = payload(AnswersMsg::Alias {
        id: 41,
        reply: caller_slot(),
    });
    assert_eq!(
        serve(actor, method, &bytes).await,
        Ok(CountReply { value: 42 }.encode_to_vec())
    );

    // Not the handler's answer: the transport carries it as an `AskError`.
    let (method, bytes) = payload(AnswersMsg::Boom {
        reply: caller_slot(),
    });
    assert!(matches!(
        serve(actor, method, &bytes).await,
        Err(AskError::Failed(reason)) if reason.contains("boom")
    ));
    system.shutdown().await;
}

/// The caller's end: a reply's bytes settle the caller's slot with the value, the typed error,
/// or `Failed` with the text; a failure from the transport settles it as that failure.
#[test]
fn settlers_answer_the_caller() {
    // The caller's slot, read back through an `EncodedReply` (which re-encodes what it gets).
    let (slot, caller) = EncodedReply::channel(codec::UInt32, codec::Typed(codec::Str));
    let (method, _, settler) = Answers::encode_call(AnswersMsg::Checked {
        value: 0,
        fail: None,
        reply: slot,
    })
    .into_parts();
    assert_eq!(method, "test.v1.Answers/Checked");
    let error = CheckedReply {
        value: 0,
        error: Some(StringError::Error("no".to_owned())),
    }
    .encode_to_vec();
    settler
        .into_unary()
        .expect("an ask")
        .settle(&error)
        .unwrap();
    assert_eq!(caller.now_or_never().unwrap(), Ok(error));

    let (slot, caller) = EncodedReply::channel(
        codec::Unit,
        codec::TextError::new(|error: &OutOfStock| error.to_string()),
    );
    let settler = Answers::encode_call(AnswersMsg::Stock {
        item: String::new(),
        reply: slot,
    })
    .into_parts()
    .2
    .into_unary()
    .expect("an ask");
    let text = UnitReply {
        error: Some(StringError::ErrorText("out of stock: socks".to_owned())),
    };
    settler.settle(&text.encode_to_vec()).unwrap();
    assert_eq!(
        caller.now_or_never().unwrap(),
        Err(AskError::Failed("out of stock: socks".to_owned()))
    );

    let (slot, caller) = EncodedReply::channel(codec::UInt64, codec::NoError);
    let settler = Answers::encode_call(AnswersMsg::Count { n: 1, reply: slot })
        .into_parts()
        .2
        .into_unary()
        .expect("an ask");
    settler.fail(AskError::Stopped);
    assert_eq!(caller.now_or_never().unwrap(), Err(AskError::Stopped));

    let (slot, caller) = EncodedReply::channel(codec::UInt64, codec::NoError);
    let settler = Answers::encode_call(AnswersMsg::Count { n: 1, reply: slot })
        .into_parts()
        .2
        .into_unary()
        .expect("an ask");
    drop(settler);
    assert_eq!(caller.now_or_never().unwrap(), Err(AskError::NoReply));

    // Bytes that are no reply fail the ask, saying why, and the transport hears of it too.
    let (slot, caller) = EncodedReply::channel(codec::UInt64, codec::NoError);
    let settler = Answers::encode_call(AnswersMsg::Count { n: 1, reply: slot })
        .into_parts()
        .2
        .into_unary()
        .expect("an ask");
    let error = settler.settle(&[0x08]).unwrap_err();
    assert_eq!(
        caller.now_or_never().unwrap(),
        Err(AskError::Failed(error.to_string()))
    );
}

/// A `Status` error travels as `google.rpc.Status` in field 4 of the reply, where a transport
/// finds it without knowing the handler, and settles the caller's slot as the same `Status`.
#[tokio::test]
async fn a_status_travels_in_its_own_field_and_settles_as_itself() {
    let system = ActorSystem::builder("wire").build().await.unwrap();
    let answers: AnswersRef = system.spawn("answers", Answers).await.unwrap();
    let (method, bytes) = payload(AnswersMsg::Guarded {
        value: 7,
        fail: true,
        reply: caller_slot(),
    });
    let reply = serve(answers.actor_ref(), method, &bytes).await.unwrap();
    let expected = Status::not_found("no 7").with_detail(Detail {
        type_url: "type.googleapis.com/test.v1.Missing".to_owned(),
        value: vec![8, 1],
    });
    let body = expected.encode_to_vec();
    let mut framed = vec![0x22, body.len() as u8];
    framed.extend_from_slice(&body);
    assert_eq!(reply, framed);

    let (slot, caller) = EncodedReply::channel(codec::UInt32, codec::StatusError);
    let settler = Answers::encode_call(AnswersMsg::Guarded {
        value: 7,
        fail: true,
        reply: slot,
    })
    .into_parts()
    .2
    .into_unary()
    .expect("an ask");
    // The caller's slot received `AskError::Handler(status)`, which the `EncodedReply`
    // re-encodes into the same bytes.
    settler.settle(&reply).unwrap();
    assert_eq!(caller.now_or_never().unwrap(), Ok(reply));
    assert_eq!(expected.code(), Code::NotFound);

    system.shutdown().await;
}

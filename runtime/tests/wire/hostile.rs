//! Hostile bytes: whatever a peer sends, every generated decoder returns (a message or a
//! `WireError`) and never panics, and a settler fed any bytes answers its caller.

use futures_util::FutureExt;
use proptest::prelude::*;
use rakt::__private::wire as codec;
use rakt::AskError;
use rakt::wire::{EncodedReply, RemoteActor, WireError};

use crate::replies::{Answers, AnswersMsg};
use crate::shapes::Shapes;

/// Payloads: mostly short, sometimes valid-looking (a tag and a length that points past the end).
fn payload() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..64),
        (
            1u8..=0x7f,
            any::<u8>(),
            prop::collection::vec(any::<u8>(), 0..8)
        )
            .prop_map(|(key, len, rest)| [vec![key, len], rest].concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn decoders_never_panic(bytes in payload()) {
        for method in Shapes::METHODS {
            match Shapes::decode_call(method.path, &bytes) {
                Ok(call) => prop_assert!(!call.is_ask()),
                Err(WireError::UnknownMethod { .. }) => prop_assert!(false, "a known method"),
                Err(_) => {}
            }
        }
        for method in Answers::METHODS {
            match Answers::decode_call(method.path, &bytes) {
                Ok(call) => prop_assert!(call.is_ask()),
                Err(WireError::UnknownMethod { .. }) => prop_assert!(false, "a known method"),
                Err(_) => {}
            }
        }
    }

    #[test]
    fn settlers_never_panic(bytes in payload()) {
        let (slot, caller) = EncodedReply::channel(codec::UInt32, codec::Typed(codec::Str));
        let (_, _, settler) = Answers::encode_call(AnswersMsg::Checked {
            value: 0, fail: None, reply: slot,
        }).into_parts();
        let settled = settler.into_unary().expect("an ask").settle(&bytes);
        let answer = caller.now_or_never().expect("answered");
        match settled {
            // The caller got the value or the typed error, as bytes that decode again.
            Ok(()) => prop_assert!(answer.is_ok()),
            Err(error) => prop_assert_eq!(answer, Err(AskError::Failed(error.to_string()))),
        }
    }

    #[test]
    fn unknown_methods_are_errors(method in any::<String>()) {
        let known = Shapes::METHODS.iter().any(|m| m.path == method);
        match Shapes::decode_call(&method, &[]) {
            Err(WireError::UnknownMethod { service, method: asked }) => {
                prop_assert!(!known);
                prop_assert_eq!(service, "test.v1.Shapes");
                prop_assert_eq!(asked, method);
            }
            other => prop_assert!(known && other.is_ok()),
        }
    }
}

/// Decoding errors name the message and say what is wrong.
#[test]
fn errors_say_what_is_wrong() {
    let truncated = Shapes::decode_call("test.v1.Shapes/Strings", &[0x0a, 0x05, b'a']).unwrap_err();
    assert!(matches!(
        truncated,
        WireError::Malformed {
            message: "test.v1.ShapesStringsRequest",
            ..
        }
    ));
    // Field 2 of `Messages` is the enum; 3 is none of its values.
    let unknown = Shapes::decode_call("test.v1.Shapes/Messages", &[0x10, 0x03]).unwrap_err();
    assert_eq!(
        unknown,
        WireError::UnknownEnumValue {
            message: "test.v1.ShapesMessagesRequest",
            value: 3
        }
    );
    assert_eq!(
        unknown.to_string(),
        "malformed `test.v1.ShapesMessagesRequest`: 3 is not a value of the enum it is sent for"
    );
    // A map entry (field 3 of `Maps`) whose inner field runs past the entry's end.
    let entry = Shapes::decode_call("test.v1.Shapes/Maps", &[0x1a, 0x02, 0x08, 0x96, 0x01]);
    assert_eq!(
        entry.unwrap_err(),
        WireError::Truncated {
            message: "test.v1.ShapesMapsRequest"
        }
    );
    // Invalid UTF-8 in a string.
    let utf8 = Shapes::decode_call("test.v1.Shapes/Strings", &[0x0a, 0x01, 0xff]).unwrap_err();
    assert!(matches!(utf8, WireError::Malformed { .. }));
}

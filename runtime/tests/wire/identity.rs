//! The wire identity of a remote actor's methods: `<package>.<Actor>/<Method>`, from the
//! package, the actor's name and the handler's name only. Two actors of one name in different
//! modules (a moved module, a renamed file) have the same identity and the same messages.

use rakt::wire::{RemoteActor, WireMethod};

use crate::replies::Answers;
use crate::shapes::Shapes;

mod before {
    use rakt::prelude::*;

    #[actor]
    #[derive(Default)]
    pub(crate) struct Counter {
        pub(crate) total: u64,
    }

    #[actor(remote)]
    impl Counter {
        pub(crate) fn add_item(&mut self, by: u64, label: String) {
            self.total += by;
            let _ = label;
        }
    }
}

mod after {
    pub(crate) mod moved {
        use rakt::prelude::*;

        /// The same actor, after a refactoring moved it and renamed its fields.
        #[actor]
        #[derive(Default)]
        pub(crate) struct Counter {
            pub(crate) sum: u64,
        }

        #[actor(remote)]
        impl Counter {
            pub(crate) fn add_item(&mut self, by: u64, label: String) {
                self.sum += by;
                let _ = label;
            }
        }
    }
}

#[test]
fn identities_are_package_actor_method() {
    assert_eq!(Shapes::PACKAGE, "test.v1");
    assert_eq!(Shapes::SERVICE, "test.v1.Shapes");
    let paths: Vec<&str> = Shapes::METHODS.iter().map(|m| m.path).collect();
    assert_eq!(
        paths,
        [
            "test.v1.Shapes/Scalars",
            "test.v1.Shapes/Strings",
            "test.v1.Shapes/Lists",
            "test.v1.Shapes/Options",
            "test.v1.Shapes/Maps",
            "test.v1.Shapes/Messages",
            "test.v1.Shapes/Nothing",
        ]
    );
    let count: &WireMethod = Answers::method("test.v1.Answers/Count").unwrap();
    assert_eq!(
        (count.name, count.ask, count.request, count.reply),
        (
            "Count",
            true,
            "test.v1.AnswersCountRequest",
            Some("test.v1.AnswersCountReply")
        )
    );
    let nothing = Shapes::method("test.v1.Shapes/Nothing").unwrap();
    assert_eq!((nothing.ask, nothing.reply), (false, None));
    assert!(Shapes::method("test.v1.Shapes/Missing").is_none());
}

#[test]
fn identity_does_not_depend_on_the_module() {
    use after::moved::Counter as Moved;
    use before::Counter as Before;

    assert_eq!(Before::PACKAGE, "");
    assert_eq!(Before::SERVICE, "Counter");
    assert_eq!(Before::SERVICE, Moved::SERVICE);
    assert_eq!(Before::METHODS, Moved::METHODS);
    assert_eq!(Before::METHODS[0].path, "Counter/AddItem");
    assert_eq!(before::CounterMsg::WIRE_NAME, Before::SERVICE);

    // A message of the one decodes as a message of the other.
    let (method, payload, _) = Before::encode_call(before::CounterMsg::AddItem {
        by: 5,
        label: "five".to_owned(),
    })
    .into_parts();
    let (msg, reply) = Moved::decode_call(method, &payload).unwrap().into_parts();
    assert!(reply.into_unary().is_none());
    let after::moved::CounterMsg::AddItem { by, label } = msg;
    assert_eq!((by, label.as_str()), (5, "five"));
}

/// The message enum's wire identity and the remote actor's agree.
#[test]
fn message_identity_matches_the_methods() {
    let msg = before::CounterMsg::AddItem {
        by: 1,
        label: String::new(),
    };
    assert_eq!(msg.wire_method(), before::Counter::METHODS[0].path);
}

/// The schema each remote actor carries, as checked in next to this test: the wire contract a
/// peer in another language reads. A change here is a change of the wire: review the diff
/// (`RAKT_RECORD_SCHEMAS=1` writes the files anew).
#[test]
fn schemas_are_the_wire_contract() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/wire/");
    for (file, proto) in [
        ("shapes.proto", Shapes::PROTO),
        ("answers.proto", Answers::PROTO),
    ] {
        let path = format!("{dir}{file}");
        if std::env::var_os("RAKT_RECORD_SCHEMAS").is_some() {
            std::fs::write(&path, proto).unwrap();
        }
        assert_eq!(proto, std::fs::read_to_string(&path).unwrap(), "{file}");
    }
    assert_eq!(before::Counter::PROTO, after::moved::Counter::PROTO);
    assert!(before::Counter::PROTO.contains("rpc AddItem(CounterAddItemRequest)"));
}

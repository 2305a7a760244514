//! What the door serves at a moment: the methods of the registered kinds by gRPC path, and the
//! reflection services built from their descriptor sets. Rebuilt whole when a kind is
//! registered; a call reads the current one without a lock.
//!
//! This module owns the catalog and the reflection build (a descriptor set that does not
//! build is logged and left out, never a panic); it delivers nothing.

use std::collections::HashMap;
use std::convert::Infallible;

use tonic::body::Body;
use tonic::codegen::http;
use tower::util::BoxCloneSyncService;
use tracing::warn;

use crate::wire::WireMethod;

/// A gRPC service as the door mounts it.
pub(crate) type GrpcService =
    BoxCloneSyncService<http::Request<Body>, http::Response<Body>, Infallible>;

/// One registered kind, as the door sees it.
#[derive(Clone, Copy)]
pub(crate) struct KindInfo {
    /// Its gRPC service, `bank.v1.Account`.
    pub(crate) service: &'static str,
    /// Its methods.
    pub(crate) methods: &'static [WireMethod],
    /// Its encoded `FileDescriptorSet`; empty when it has none.
    pub(crate) descriptor_set: &'static [u8],
}

/// The reflection services, v1 and v1alpha.
#[derive(Clone)]
pub(crate) struct Reflection {
    pub(crate) v1: GrpcService,
    pub(crate) v1alpha: GrpcService,
}

/// The door's view of the registered kinds.
#[derive(Default)]
pub(crate) struct Catalog {
    /// Each method by its gRPC path without the leading `/`: `bank.v1.Account/Deposit`.
    pub(crate) methods: HashMap<&'static str, &'static WireMethod>,
    /// The services, in registration order.
    pub(crate) services: Vec<&'static str>,
    /// Reflection, when it is on.
    pub(crate) reflection: Option<Reflection>,
}

impl Catalog {
    /// The catalog of `kinds`; with reflection, when it is on, over `reflect` (the
    /// always-served descriptor sets) and the kinds' own sets.
    pub(crate) fn new(kinds: &[KindInfo], reflect: Option<&[&'static [u8]]>) -> Catalog {
        let mut catalog = Catalog::default();
        for kind in kinds {
            catalog.services.push(kind.service);
            for method in kind.methods {
                catalog.methods.insert(method.path, method);
            }
        }
        if let Some(base) = reflect {
            let kind_sets = kinds
                .iter()
                .filter(|kind| !kind.descriptor_set.is_empty())
                .map(|kind| (kind.service, kind.descriptor_set));
            let sets: Vec<(&str, &'static [u8])> = base
                .iter()
                .map(|set| ("a configured descriptor set", *set))
                .chain(kind_sets)
                .collect();
            catalog.reflection = reflection(&sets);
        }
        catalog
    }
}

/// The reflection services over the sets that build alone, each named for the log; `None`
/// (and a warning) in the unlikely case that they do not build together.
fn reflection(sets: &[(&str, &'static [u8])]) -> Option<Reflection> {
    let good: Vec<&'static [u8]> = sets
        .iter()
        .filter(|&&(whose, set)| match build(&[set]) {
            Ok(_) => true,
            Err(error) => {
                warn!(%error, "the descriptor set of {whose} does not build: reflection leaves it out");
                false
            }
        })
        .map(|&(_, set)| set)
        .collect();
    build(&good)
        .inspect_err(
            |error| warn!(%error, "the descriptor sets do not build together: no reflection"),
        )
        .ok()
}

/// Reflection, v1 and v1alpha, over `sets` and the reflection service's own descriptors.
fn build(sets: &[&'static [u8]]) -> Result<Reflection, tonic_reflection::server::Error> {
    let builder = || {
        sets.iter().fold(
            tonic_reflection::server::Builder::configure(),
            |builder, set| builder.register_encoded_file_descriptor_set(set),
        )
    };
    Ok(Reflection {
        v1: BoxCloneSyncService::new(builder().build_v1()?),
        v1alpha: BoxCloneSyncService::new(builder().build_v1alpha()?),
    })
}

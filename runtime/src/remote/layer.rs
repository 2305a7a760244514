//! What users plug around a node's calls, type-erased: the [`HttpService`] their tower layers
//! wrap, the layers they may give ([`HttpLayer`]) and their erased form ([`LayerFn`]), the
//! erased interceptors ([`Interceptor`]), and applying the layers in order.
//!
//! This module owns the erased shapes only: a node's settings store them, and the service
//! assembly applies them. It knows nothing of the other settings, of tonic's generated code,
//! of links or of peers.

use std::sync::Arc;

use tonic::body::Body;
use tonic::codegen::StdError;
use tonic::codegen::http;
use tonic::{Request, Status};
use tower::ServiceExt;
use tower::util::BoxCloneSyncService;

/// The type-erased HTTP service a user [layer](super::NodeConfigBuilder::server_layer) wraps:
/// `http` requests and responses with tonic bodies.
pub type HttpService = BoxCloneSyncService<http::Request<Body>, http::Response<Body>, StdError>;

/// A user layer, erased.
pub(crate) type LayerFn = Arc<dyn Fn(HttpService) -> HttpService + Send + Sync>;

/// A user interceptor, erased.
pub(crate) type Interceptor = Arc<dyn Fn(Request<()>) -> Result<Request<()>, Status> + Send + Sync>;

/// A tower layer a node can wrap its server or its connections in
/// ([`server_layer`](super::NodeConfigBuilder::server_layer),
/// [`client_layer`](super::NodeConfigBuilder::client_layer)): one that wraps an [`HttpService`]
/// in a cloneable, `Send + Sync` service of `http` messages with tonic bodies. Implemented for
/// every such layer.
pub trait HttpLayer: Send + Sync + 'static {
    /// The layer, erased.
    #[doc(hidden)]
    fn erase(self) -> Arc<dyn Fn(HttpService) -> HttpService + Send + Sync>;
}

impl<L> HttpLayer for L
where
    L: tower::Layer<HttpService> + Send + Sync + 'static,
    L::Service: tower::Service<http::Request<Body>, Response = http::Response<Body>>
        + Clone
        + Send
        + Sync
        + 'static,
    <L::Service as tower::Service<http::Request<Body>>>::Error: Into<StdError> + 'static,
    <L::Service as tower::Service<http::Request<Body>>>::Future: Send + 'static,
{
    fn erase(self) -> LayerFn {
        Arc::new(move |inner| BoxCloneSyncService::new(self.layer(inner).map_err(Into::into)))
    }
}

/// Applies the layers in order: the first given is innermost.
pub(crate) fn apply_layers(service: HttpService, layers: &[LayerFn]) -> HttpService {
    layers.iter().fold(service, |service, layer| layer(service))
}

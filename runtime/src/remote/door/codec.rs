//! The door's tonic codec: a gRPC message's bytes as they are, in and out. The door decodes
//! nothing itself; the actor's [`decode_call`](crate::wire::RemoteActor::decode_call) does.
//! Public too, for Rust clients that call a door with messages they encode themselves.

use bytes::{Buf, BufMut, Bytes};
use tonic::Status;
use tonic::codec::{Codec, DecodeBuf, Decoder, EncodeBuf, Encoder};

/// A tonic codec of raw message bytes, both ways: for calling a node's
/// [gRPC door](super::super#any-grpc-client) (or any gRPC service) from a
/// `tonic::client::Grpc` with messages encoded by hand, without generated types.
///
/// ```no_run
/// use bytes::Bytes;
/// use rakt::remote::{ACTOR_KEY, RawCodec};
/// use tonic::codegen::http::uri::PathAndQuery;
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let channel = tonic::transport::Channel::from_static("http://127.0.0.1:4000").connect().await?;
/// let mut grpc = tonic::client::Grpc::new(channel);
/// grpc.ready().await?;
/// let mut request = tonic::Request::new(Bytes::from_static(&[0x08, 0x05])); // `{ amount: 5 }`
/// request.metadata_mut().insert(ACTOR_KEY, "alice".parse()?);
/// let path = PathAndQuery::from_static("/bank.v1.Account/Deposit");
/// let reply: Bytes = grpc.unary(request, path, RawCodec).await?.into_inner();
/// # let _ = reply;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCodec;

impl Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawCodec;
    type Decoder = RawCodec;

    fn encoder(&mut self) -> RawCodec {
        RawCodec
    }

    fn decoder(&mut self) -> RawCodec {
        RawCodec
    }
}

impl Encoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn encode(&mut self, item: Bytes, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put(item);
        Ok(())
    }
}

impl Decoder for RawCodec {
    type Item = Bytes;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Bytes>, Status> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

//! The transport over TLS (feature `remote-tls`), with certificates made here by rcgen: a test
//! certificate authority signs each node's certificate for 127.0.0.1.

use std::time::Duration;

use prost::bytes::Bytes;
use rakt::remote::proto::v1::{ActorAddress, Envelope, NodeAddress};
use rakt::remote::{Inbound, Node, NodeConfig, NodeConfigError, RemoteError, ReplyTo, TlsConfig};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, ExtendedKeyUsagePurpose, IsCa, KeyPair,
};

const WITHIN: Duration = Duration::from_secs(10);

/// Answers every ask with its payload.
struct Echo;

impl Inbound for Echo {
    fn envelope(&self, _from: &NodeAddress, envelope: Envelope, reply: Option<ReplyTo>) {
        if let Some(reply) = reply {
            reply.send(envelope.payload);
        }
    }
}

/// A certificate authority.
struct Authority {
    issuer: CertifiedIssuer<'static, KeyPair>,
}

impl Authority {
    fn new(name: &str) -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        let key = KeyPair::generate().expect("a key");
        Authority {
            issuer: CertifiedIssuer::self_signed(params, key).expect("a CA certificate"),
        }
    }

    /// The authority's certificate, PEM.
    fn pem(&self) -> String {
        self.issuer.pem()
    }

    /// A node certificate for 127.0.0.1, good for both ends of a connection: (cert, key) PEM.
    fn node(&self) -> (String, String) {
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                .expect("params");
        params.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ServerAuth,
            ExtendedKeyUsagePurpose::ClientAuth,
        ];
        let key = KeyPair::generate().expect("a key");
        let cert = params.signed_by(&key, &self.issuer).expect("signed");
        (cert.pem(), key.serialize_pem())
    }
}

async fn start(system: &str, tls: Option<TlsConfig>) -> Node {
    let mut config = NodeConfig::builder(system)
        .reconnect_backoff(Duration::from_millis(10), Duration::from_millis(50));
    if let Some(tls) = tls {
        config = config.tls(tls);
    }
    Node::start(config.build().expect("valid"), Echo)
        .await
        .expect("started")
}

fn echo(node: &Node) -> ActorAddress {
    ActorAddress {
        node: Some(node.address().clone()),
        path: "/user/echo".into(),
        id: 0,
    }
}

async fn ask(from: &Node, to: &Node) -> Result<Bytes, RemoteError> {
    from.ask(&echo(to), "echo", Bytes::from_static(b"over tls"), WITHIN)
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_with_certificates_from_one_authority_talk_over_tls() {
    let ca = Authority::new("rakt test CA");
    let tls = |(cert, key): (String, String)| TlsConfig::new(cert, key).trust(ca.pem());
    let a = start("a", Some(tls(ca.node()))).await;
    let b = start("b", Some(tls(ca.node()))).await;
    assert_eq!(ask(&a, &b).await.as_deref(), Ok(&b"over tls"[..]));
    assert_eq!(ask(&b, &a).await.as_deref(), Ok(&b"over tls"[..]));
    assert_eq!(
        a.lookup(echo(&b)).await,
        Ok(None),
        "unary calls use TLS too"
    );

    // A node that speaks plain text cannot reach a TLS node.
    let plain = start("p", None).await;
    let error = ask(&plain, &b).await.expect_err("plain text to TLS");
    assert!(
        matches!(error, RemoteError::Unreachable { .. }),
        "{error:?}"
    );

    // A node that trusts another authority refuses b's certificate.
    let other = Authority::new("another CA");
    let (cert, key) = other.node();
    let stranger = start("s", Some(TlsConfig::new(cert, key).trust(other.pem()))).await;
    let error = ask(&stranger, &b).await.expect_err("untrusted certificate");
    assert!(
        matches!(error, RemoteError::Unreachable { .. }),
        "{error:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_refuses_peers_without_a_client_certificate() {
    let ca = Authority::new("rakt test CA");
    let mutual = |(cert, key): (String, String)| {
        TlsConfig::new(cert, key)
            .trust(ca.pem())
            .require_client_certs(ca.pem())
    };
    let a = start("a", Some(mutual(ca.node()))).await;
    let b = start("b", Some(mutual(ca.node()))).await;
    assert_eq!(ask(&a, &b).await.as_deref(), Ok(&b"over tls"[..]));

    // Trusts b, but presents no certificate of its own.
    let (cert, key) = ca.node();
    let one_way = start("c", Some(TlsConfig::new(cert, key).trust(ca.pem()))).await;
    let error = ask(&one_way, &b).await.expect_err("no client certificate");
    assert!(
        matches!(error, RemoteError::Unreachable { .. }),
        "{error:?}"
    );

    // Presents a certificate from an authority b does not accept for clients.
    let other = Authority::new("another CA");
    let (cert, key) = other.node();
    let foreign = start(
        "d",
        Some(
            TlsConfig::new(cert, key)
                .trust(ca.pem())
                .require_client_certs(other.pem()),
        ),
    )
    .await;
    let error = ask(&foreign, &b)
        .await
        .expect_err("foreign client certificate");
    assert!(
        matches!(error, RemoteError::Unreachable { .. }),
        "{error:?}"
    );
}

#[test]
fn unusable_tls_settings_are_refused_when_built() {
    let ca = Authority::new("rakt test CA");
    let (cert, key) = ca.node();
    let build = |tls: TlsConfig| NodeConfig::builder("a").tls(tls).build().map(|_| ());

    assert_eq!(
        build(TlsConfig::new(cert.clone(), key.clone()).trust(ca.pem())),
        Ok(())
    );
    assert!(matches!(
        build(TlsConfig::new(cert.clone(), key.clone())),
        Err(NodeConfigError::Tls(why)) if why.contains("no trusted")
    ));
    assert!(matches!(
        build(TlsConfig::new("not a pem", key.clone()).trust(ca.pem())),
        Err(NodeConfigError::Tls(why)) if why.contains("certificate")
    ));
    assert!(matches!(
        build(TlsConfig::new(cert.clone(), "not a key").trust(ca.pem())),
        Err(NodeConfigError::Tls(why)) if why.contains("private key")
    ));
    assert!(matches!(
        build(
            TlsConfig::new(cert, key)
                .trust(ca.pem())
                .server_name("not a name!")
        ),
        Err(NodeConfigError::Tls(_))
    ));
}

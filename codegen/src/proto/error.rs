//! [`ProtoError`]: why the `.proto` front end generated nothing, with the file and line of each
//! problem.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::error::ModelError;

/// Why [`Builder::compile_protos`](super::Builder::compile_protos) (or
/// [`Builder::generate`](super::Builder::generate)) generated nothing. Nothing is written when
/// it fails.
#[derive(Debug, thiserror::Error)]
pub enum ProtoError {
    /// A `.proto` file does not parse, names an import that is not found, or breaks a rule of
    /// protobuf (an unknown type, a duplicate name, ...): protox's diagnostic, with the file
    /// and the 1-based line and column where it knows them.
    #[error("{}{message}", Location { file: file.as_deref(), line: *line, column: *column })]
    Proto {
        /// The file, as named relative to its include folder (`bank/v1/account.proto`).
        file: Option<String>,
        /// The 1-based line.
        line: Option<usize>,
        /// The 1-based column.
        column: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// Services that cannot become actors: every problem found, each at its `rpc` or
    /// `service` (see [`ServiceError`]).
    #[error("{}", ServiceErrors(.0))]
    Services(Vec<ServiceError>),
    /// [`Builder::runtime_crate`](super::Builder::runtime_crate) is not a path.
    #[error("`runtime_crate(\"{path}\")` is not a Rust path, such as `::rakt`")]
    RuntimeCrate {
        /// The text given.
        path: String,
    },
    /// No output folder: neither [`Builder::out_dir`](super::Builder::out_dir) nor the
    /// `OUT_DIR` environment variable (set by cargo for a build script) gives one.
    #[error("no output folder: call `out_dir(..)`, or run from a build script (`OUT_DIR`)")]
    NoOutDir,
    /// prost-build refused the descriptors.
    #[error("prost-build: {0}")]
    Build(io::Error),
    /// A generated file could not be written.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl ProtoError {
    /// protox's diagnostic, located.
    pub(super) fn from_protox(error: protox::Error) -> Self {
        use miette::Diagnostic;

        let position = error.labels().and_then(|mut labels| {
            let label = labels.next()?;
            let source = error.source_code()?;
            let contents = source.read_span(label.inner(), 0, 0).ok()?;
            Some((contents.line() + 1, contents.column() + 1))
        });
        ProtoError::Proto {
            file: error.file().map(str::to_owned),
            line: position.map(|(line, _)| line),
            column: position.map(|(_, column)| column),
            message: error.to_string(),
        }
    }
}

/// Why one service, or one of its rpcs, cannot become an actor, and where it is written.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {}{kind}", Subject { service, rpc: rpc.as_deref() })]
pub struct ServiceError {
    /// The `.proto` file, as named relative to its include folder (`bank/v1/account.proto`).
    pub file: String,
    /// The 1-based line of the `rpc` (or of the `service`, for a problem of the whole service).
    pub line: usize,
    /// The service's full name, `bank.v1.Account`.
    pub service: String,
    /// The rpc's name, `Deposit`, for a problem of one rpc.
    pub rpc: Option<String>,
    /// What is wrong.
    pub kind: ServiceErrorKind,
}

/// What is wrong with a service or one of its rpcs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ServiceErrorKind {
    /// A client- or bidirectional streaming rpc: only unary and server-streaming rpcs become
    /// handlers.
    #[error(
        "{0} rpcs are not supported: a `.proto` service becomes an actor whose handlers are \
         unary or server-streaming rpcs; make it one of those, or move it to a service \
         compiled by tonic-prost-build alone"
    )]
    Streaming(Streaming),
    /// An rpc whose Rust name is that of a lifecycle hook of the service trait.
    #[error(
        "the rpc's Rust name `{0}` is that of a lifecycle hook of the service trait \
         (`pre_start`, `post_start`, `post_stop`); rename the rpc"
    )]
    HookName(String),
    /// The actor the service describes breaks a rule of the actor model (a reserved name, two
    /// rpcs whose Rust names collide, ...).
    #[error("{0}")]
    Model(ModelError),
}

/// Which way an rpc streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Streaming {
    /// `rpc Watch(Req) returns (stream Event)`
    Server,
    /// `rpc Upload(stream Chunk) returns (Reply)`
    Client,
    /// `rpc Chat(stream Line) returns (stream Line)`
    Bidi,
}

impl Streaming {
    /// Whether an rpc that streams this way becomes a handler: a server-streaming rpc does
    /// (it takes a `StreamSlot`); a client- or bidirectional streaming one is a
    /// [`ServiceErrorKind::Streaming`].
    pub fn is_supported(self) -> bool {
        self == Streaming::Server
    }

    /// How `rpc` streams, if it does.
    pub(super) fn of(client: bool, server: bool) -> Option<Streaming> {
        match (client, server) {
            (false, false) => None,
            (false, true) => Some(Streaming::Server),
            (true, false) => Some(Streaming::Client),
            (true, true) => Some(Streaming::Bidi),
        }
    }
}

impl fmt::Display for Streaming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Streaming::Server => "server-streaming",
            Streaming::Client => "client-streaming",
            Streaming::Bidi => "bidirectional streaming",
        })
    }
}

/// `file:line:column: ` as far as known.
struct Location<'a> {
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
}

impl fmt::Display for Location<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(file) = self.file else {
            return Ok(());
        };
        f.write_str(file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        f.write_str(": ")
    }
}

/// "rpc `Deposit` of service `bank.v1.Account`: " or "service `bank.v1.Account`: ".
struct Subject<'a> {
    service: &'a str,
    rpc: Option<&'a str>,
}

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rpc {
            Some(rpc) => write!(f, "rpc `{rpc}` of service `{}`: ", self.service),
            None => write!(f, "service `{}`: ", self.service),
        }
    }
}

/// One error a line.
struct ServiceErrors<'a>(&'a [ServiceError]);

impl fmt::Display for ServiceErrors<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

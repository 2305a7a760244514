//! What the front end reads from the descriptor set protox made, before prost-build runs:
//! where each service and rpc is written (file and line, from the source info), which rpcs
//! stream, and each service's schema (its file's text and the descriptor set of that file and
//! its imports).

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use prost_types::{FileDescriptorProto, FileDescriptorSet};
use protox::prost::Message as _;

use super::error::{ServiceError, ServiceErrorKind, Streaming};
use crate::model::ProtoSchema;

/// `FileDescriptorProto.service` and `ServiceDescriptorProto.method`: the field numbers a
/// source-info path goes through to reach a service and an rpc.
const SERVICE_FIELD: i32 = 6;
const METHOD_FIELD: i32 = 2;

/// Every service of a descriptor set, by its full name (`bank.v1.Account`).
#[derive(Debug, Default)]
pub(super) struct Index {
    services: HashMap<String, ServiceInfo>,
}

/// Where a service and its rpcs are written, and its schema.
#[derive(Debug)]
pub(super) struct ServiceInfo {
    /// The file, as named relative to its include folder.
    pub file: String,
    /// The 1-based line of `service`.
    pub line: usize,
    /// Its rpcs, in declaration order (the order prost-build hands them over).
    pub rpcs: Vec<RpcInfo>,
    /// Its file's text and descriptors.
    pub schema: ProtoSchema,
}

/// One rpc of a service.
#[derive(Debug)]
pub(super) struct RpcInfo {
    /// Its name, `Deposit`.
    pub name: String,
    /// The 1-based line of `rpc`.
    pub line: usize,
    /// Whether and how it streams.
    pub streaming: Option<Streaming>,
}

impl Index {
    /// Indexes the services of `set`; `on_disk` gives where each file is on disk (not a file
    /// protox has built in), for its text.
    pub fn new(set: &FileDescriptorSet, on_disk: &HashMap<String, PathBuf>) -> Self {
        let files: HashMap<&str, &FileDescriptorProto> =
            set.file.iter().map(|file| (file.name(), file)).collect();
        let mut services = HashMap::new();
        for file in &set.file {
            if file.service.is_empty() {
                continue;
            }
            let schema = ProtoSchema {
                // A file that is not on disk (protox's own `google/protobuf/*.proto`) has no
                // text to give.
                source: on_disk
                    .get(file.name())
                    .and_then(|path| std::fs::read_to_string(path).ok())
                    .unwrap_or_default(),
                file_descriptor_set: with_imports(file, &files).encode_to_vec(),
            };
            for (s, service) in file.service.iter().enumerate() {
                let line = line_of(file, &[SERVICE_FIELD, s as i32]).unwrap_or(1);
                let rpcs = service
                    .method
                    .iter()
                    .enumerate()
                    .map(|(m, method)| RpcInfo {
                        name: method.name().to_owned(),
                        line: line_of(file, &[SERVICE_FIELD, s as i32, METHOD_FIELD, m as i32])
                            .unwrap_or(line),
                        streaming: Streaming::of(
                            method.client_streaming(),
                            method.server_streaming(),
                        ),
                    })
                    .collect();
                let name = match file.package() {
                    "" => service.name().to_owned(),
                    package => format!("{package}.{}", service.name()),
                };
                services.insert(
                    name,
                    ServiceInfo {
                        file: file.name().to_owned(),
                        line,
                        rpcs,
                        schema: schema.clone(),
                    },
                );
            }
        }
        Index { services }
    }

    /// The service named `name` (`bank.v1.Account`).
    pub fn service(&self, name: &str) -> Option<&ServiceInfo> {
        self.services.get(name)
    }

    /// An error for every client- or bidirectional streaming rpc, in file and line order (a
    /// server-streaming rpc becomes a streaming handler).
    pub fn streaming_errors(&self) -> Vec<ServiceError> {
        let mut errors: Vec<ServiceError> = self
            .services
            .iter()
            .flat_map(|(service, info)| {
                info.rpcs.iter().filter_map(move |rpc| {
                    let streaming = rpc.streaming.filter(|s| !s.is_supported())?;
                    Some(ServiceError {
                        file: info.file.clone(),
                        line: rpc.line,
                        service: service.clone(),
                        rpc: Some(rpc.name.clone()),
                        kind: ServiceErrorKind::Streaming(streaming),
                    })
                })
            })
            .collect();
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        errors
    }
}

/// The 1-based line where the item at `path` of `file` starts, from its source info.
fn line_of(file: &FileDescriptorProto, path: &[i32]) -> Option<usize> {
    let info = file.source_code_info.as_ref()?;
    let location = info
        .location
        .iter()
        .find(|location| location.path == path)?;
    let line = usize::try_from(*location.span.first()?).ok()?;
    Some(line + 1)
}

/// `file` and every file it imports, directly or not, each once, imports first.
fn with_imports(
    file: &FileDescriptorProto,
    files: &HashMap<&str, &FileDescriptorProto>,
) -> FileDescriptorSet {
    fn visit<'a>(
        file: &'a FileDescriptorProto,
        files: &HashMap<&str, &'a FileDescriptorProto>,
        seen: &mut BTreeSet<&'a str>,
        out: &mut Vec<FileDescriptorProto>,
    ) {
        if !seen.insert(file.name()) {
            return;
        }
        for import in &file.dependency {
            if let Some(imported) = files.get(import.as_str()) {
                visit(imported, files, seen, out);
            }
        }
        // With its comments and spans (source info), so that reflection clients (grpcurl
        // `describe`) show the `.proto` comments.
        out.push(file.clone());
    }
    let mut out = Vec::new();
    visit(file, files, &mut BTreeSet::new(), &mut out);
    FileDescriptorSet { file: out }
}

//! Remote actor addresses as text: `rakt://<system>@<host>:<port>/user/<name>...`, parsed into
//! the protocol's [`ActorAddress`] with typed errors, and printed back.
//!
//! This module owns the text form only; it resolves nothing and touches no connection.

use super::error::RemoteError;
use super::proto::v1::{ActorAddress, NodeAddress};

/// Parses `rakt://<system>@<host>:<port>/user/<name>...` (an IPv6 host in brackets) into an
/// address with `uid` 0 (whichever incarnation of the node answers) and `id` 0 (whichever
/// actor lives at the path).
pub fn parse_address(text: &str) -> Result<ActorAddress, RemoteError> {
    let invalid = |reason| RemoteError::InvalidAddress {
        address: text.to_owned(),
        reason,
    };
    let slash = text
        .get("rakt://".len()..)
        .and_then(|rest| rest.find('/'))
        .ok_or_else(|| invalid("it has no actor path (`/user/<name>`)"))?;
    let (node, path) = text.split_at("rakt://".len() + slash);
    let node = node_parts(node).map_err(invalid)?;
    let names = path
        .strip_prefix("/user/")
        .ok_or_else(|| invalid("the path does not begin with `/user/`"))?;
    if names.split('/').any(str::is_empty) {
        return Err(invalid("the path has an empty actor name"));
    }
    Ok(ActorAddress {
        node: Some(node),
        path: path.to_owned(),
        id: 0,
    })
}

/// Parses a node's address, `rakt://<system>@<host>:<port>` (an IPv6 host in brackets), with
/// `uid` 0 (whichever incarnation answers).
pub fn parse_node(text: &str) -> Result<NodeAddress, RemoteError> {
    node_parts(text).map_err(|reason| RemoteError::InvalidAddress {
        address: text.to_owned(),
        reason,
    })
}

/// [`parse_node`], with what is wrong as the error.
fn node_parts(text: &str) -> Result<NodeAddress, &'static str> {
    let rest = text
        .strip_prefix("rakt://")
        .ok_or("it does not begin with `rakt://`")?;
    let (system, rest) = rest
        .split_once('@')
        .ok_or("it names no system (`<system>@<host>:<port>`)")?;
    let valid_system = !system.is_empty()
        && system
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !valid_system {
        return Err("the system name is empty or not a valid system name");
    }
    let authority = rest;
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed
            .split_once(']')
            .ok_or("an IPv6 host without its closing `]`")?;
        let port = after.strip_prefix(':').ok_or("it has no port")?;
        (host, port)
    } else {
        authority.rsplit_once(':').ok_or("it has no port")?
    };
    if host.is_empty() {
        return Err("the host is empty");
    }
    if host.contains(['/', '@']) || (host.contains(':') && !authority.starts_with('[')) {
        return Err("the host is not a host name or an address (IPv6 in brackets)");
    }
    let port: u16 = port
        .parse()
        .ok()
        .filter(|port| *port != 0)
        .ok_or("the port is not a number from 1 to 65535")?;
    Ok(NodeAddress {
        system: system.to_owned(),
        host: host.to_owned(),
        port: u32::from(port),
        uid: 0,
    })
}

/// `rakt://<system>@<host>:<port>` (an IPv6 host in brackets).
pub fn node_address_text(node: &NodeAddress) -> String {
    format!("rakt://{}", super::error::node_text(node))
}

/// `rakt://<system>@<host>:<port><path>` (an IPv6 host in brackets); for an address that
/// names no node (one on the node that reads it), its path alone, `/user/<name>`.
pub fn address_text(address: &ActorAddress) -> String {
    match &address.node {
        Some(node) => format!("rakt://{}{}", super::error::node_text(node), address.path),
        None => address.path.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_parses_and_prints_back() {
        for text in [
            "rakt://sys@127.0.0.1:4000/user/counter",
            "rakt://a-b.c@[::1]:1/user/parent/child",
        ] {
            let address = parse_address(text).unwrap();
            assert_eq!(address_text(&address), text);
        }
        let address = parse_address("rakt://sys@host:9/user/x").unwrap();
        let node = address.node.unwrap();
        assert_eq!(
            (node.system.as_str(), node.host.as_str(), node.port),
            ("sys", "host", 9)
        );
        assert_eq!(address.path, "/user/x");
        let node = parse_node("rakt://sys@[::1]:7").unwrap();
        assert_eq!(node_address_text(&node), "rakt://sys@[::1]:7");
        assert!(parse_node("rakt://sys@h:7/user/x").is_err());
    }

    #[test]
    fn an_address_without_a_node_prints_as_its_path() {
        let here = ActorAddress {
            node: None,
            path: "/user/x".into(),
            id: 3,
        };
        assert_eq!(address_text(&here), "/user/x");
    }

    #[test]
    fn a_malformed_address_is_a_typed_error() {
        for text in [
            "http://sys@h:1/user/x",
            "rakt://h:1/user/x",
            "rakt://@h:1/user/x",
            "rakt://sys@h/user/x",
            "rakt://sys@h:0/user/x",
            "rakt://sys@h:70000/user/x",
            "rakt://sys@:1/user/x",
            "rakt://sys@h:1/system/x",
            "rakt://sys@h:1/user/",
            "rakt://sys@h:1",
            "rakt://sys@[::1:1/user/x",
            "rakt://sys@h:1:2/user/x",
        ] {
            assert!(
                matches!(parse_address(text), Err(RemoteError::InvalidAddress { .. })),
                "{text}"
            );
        }
    }
}

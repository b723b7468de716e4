//! The wire formats a sensor reads: newline-delimited watch events arriving in chunks that
//! ignore line boundaries, and list pages.

use super::super::serde_helpers::null_as_default;
use super::super::status::Status;
use serde::Deserialize;
use std::collections::BTreeMap;

/// One event of a watch stream. `BOOKMARK` carries only a resourceVersion (and annotations),
/// `ERROR` a `Status`: neither decodes as the watched kind.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", content = "object")]
pub enum WatchEvent<K> {
    #[serde(rename = "ADDED")]
    Added(K),
    #[serde(rename = "MODIFIED")]
    Modified(K),
    #[serde(rename = "DELETED")]
    Deleted(K),
    #[serde(rename = "BOOKMARK")]
    Bookmark(Bookmark),
    #[serde(rename = "ERROR")]
    Error(Status),
}

/// A bookmark: where the watch has got to, with no object.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Bookmark {
    #[serde(default)]
    pub metadata: BookmarkMeta,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookmarkMeta {
    #[serde(default, deserialize_with = "null_as_default")]
    pub resource_version: String,
    #[serde(default, deserialize_with = "null_as_default")]
    pub annotations: BTreeMap<String, String>,
}

impl Bookmark {
    /// Marks the end of the initial events of a `sendInitialEvents=true` watch.
    pub fn ends_initial_events(&self) -> bool {
        self.metadata.annotations.get("k8s.io/initial-events-end").map(String::as_str) == Some("true")
    }
}

/// One page of a list: the items and where the list stands.
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "K: Deserialize<'de>"))]
pub struct ListPage<K> {
    #[serde(default, deserialize_with = "null_as_default")]
    pub metadata: ListPageMeta,
    #[serde(default = "Vec::new", deserialize_with = "null_as_default")]
    pub items: Vec<K>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPageMeta {
    #[serde(default, deserialize_with = "null_as_default")]
    pub resource_version: String,
    #[serde(rename = "continue", default, deserialize_with = "null_as_default")]
    pub continue_: String,
}

/// Splits a byte stream into lines, whatever the chunk boundaries: a line may span many chunks
/// (an object of several MB) and a chunk may hold many lines.
#[derive(Debug, Default)]
pub struct Lines {
    buffer: Vec<u8>,
    /// Where the next line starts.
    start: usize,
    /// How far past `start` has been searched for a newline already.
    scanned: usize,
}

impl Lines {
    pub fn new() -> Self {
        Lines::default()
    }

    pub fn push(&mut self, chunk: &[u8]) {
        if self.start > 0 && self.start * 2 >= self.buffer.len() {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(chunk);
    }

    /// The next complete line without its newline (and without a `\r` before it); blank lines
    /// are skipped. The slice is valid until the next call.
    pub fn next_line(&mut self) -> Option<&[u8]> {
        loop {
            let from = self.start + self.scanned;
            let at = self.buffer[from..].iter().position(|&b| b == b'\n');
            let Some(at) = at else {
                self.scanned = self.buffer.len() - self.start;
                return None;
            };
            let end = from + at;
            let begin = self.start;
            self.start = end + 1;
            self.scanned = 0;
            let line = &self.buffer[begin..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.iter().all(u8::is_ascii_whitespace) {
                return Some(&self.buffer[begin..begin + line.len()]);
            }
        }
    }

    /// Bytes of an unfinished line.
    pub fn pending(&self) -> usize {
        self.buffer.len() - self.start
    }

    pub fn clear(&mut self) {
        self.buffer.clear();
        self.start = 0;
        self.scanned = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn lines_across_chunks() {
        let mut lines = Lines::new();
        let mut seen = Vec::new();
        for chunk in [&b"{\"a\""[..], b":1}\n{\"b\":2}\n\n{\"c\"", b":3}\r\n", b"{\"d\":4}"] {
            lines.push(chunk);
            while let Some(line) = lines.next_line() {
                seen.push(String::from_utf8(line.to_vec()).unwrap());
            }
        }
        assert_eq!(seen, ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"]);
        assert_eq!(lines.pending(), 7);
    }
}

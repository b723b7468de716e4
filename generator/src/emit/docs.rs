//! Kubernetes descriptions as doc-comment lines.
//!
//! Descriptions are plain Go-doc text, but rustdoc renders doc comments as Markdown and
//! rustdoc and clippy lint them as Markdown. [`doc_lines`] rewrites a description so that its
//! Markdown rendering shows the same prose and neither tool warns. Everything here is plain
//! `std` so the module can be compiled and tested on its own.

/// Turns a Kubernetes description into doc-comment lines (without the leading `///`; each
/// element is one line's text, the emitter writes `#[doc = " <line>"]` for each — note the
/// single leading space the emitter adds) that rustdoc and clippy accept without warnings and
/// that render as the same prose.
pub fn doc_lines(text: &str) -> Vec<String> {
    let text = normalize(text);
    let pieces = split_fences(&text);
    let mut out: Vec<String> = Vec::new();
    let mut lists: Vec<Level> = Vec::new();
    let mut paragraph_start = true;
    // At the start of the text or after a blank line, where an indented line opens a block.
    let mut block_start = true;
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Prose(line) if line.trim().is_empty() => {
                paragraph_start = true;
                block_start = true;
                if out.last().is_some_and(|last| !last.is_empty()) {
                    out.push(String::new());
                }
            }
            Piece::Prose(line) if block_start && opens_block(line, &lists) => {
                let end = indented_block_end(&pieces, i);
                let block: Vec<&str> = pieces[i..end]
                    .iter()
                    .map(|piece| match piece {
                        Piece::Prose(line) => line.as_str(),
                        Piece::Code(_) => unreachable!("a block holds prose lines only"),
                    })
                    .collect();
                lists.clear();
                paragraph_start = true;
                block_start = false;
                push_indented_block(&mut out, &block);
                i = end;
                continue;
            }
            Piece::Prose(line) => {
                out.push(prose_line(line, &mut lists, paragraph_start));
                paragraph_start = false;
                block_start = false;
            }
            Piece::Code(lines) => {
                lists.clear();
                paragraph_start = true;
                block_start = false;
                out.push("```text".to_string());
                out.extend(lines.iter().cloned());
                out.push("```".to_string());
            }
        }
        i += 1;
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// Whether a line that starts a paragraph opens an indented block, as Markdown reads it: it is
/// indented by a tab or four spaces, and not so far that it continues an open list item
/// (inside lists, indented lines stay prose laid out by [`prose_line`]).
fn opens_block(line: &str, lists: &[Level]) -> bool {
    let indent = indent_width(line);
    indent >= 4 && lists.first().is_none_or(|level| indent < level.content)
}

/// The end of the indented block that starts at `pieces[start]`: it runs over indented and
/// blank lines up to the next less indented line or fence, without its trailing blank lines.
fn indented_block_end(pieces: &[Piece], start: usize) -> usize {
    let mut end = start + 1;
    let mut k = end;
    while let Some(Piece::Prose(line)) = pieces.get(k) {
        if line.trim().is_empty() {
            k += 1;
        } else if indent_width(line) >= 4 {
            k += 1;
            end = k;
        } else {
            break;
        }
    }
    end
}

/// Writes an indented block as a ```` ```text ```` fence: verbatim, tabs as four spaces,
/// de-indented by the indentation its lines share. The fence is longer than any run of
/// backticks inside, so no line of the block can close it, and a blank line after it keeps
/// the block apart from the prose that follows.
fn push_indented_block(out: &mut Vec<String>, block: &[&str]) {
    let lines: Vec<String> = block.iter().map(|line| code_line(line)).collect();
    let common = lines
        .iter()
        .filter(|line| !line.is_empty())
        .map(|line| line.len() - line.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let longest_run = lines.iter().flat_map(|line| backtick_runs(line)).map(|(_, n)| n).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    out.push(format!("{fence}text"));
    out.extend(lines.into_iter().map(|line| line.get(common..).unwrap_or_default().to_string()));
    out.push(fence);
    out.push(String::new());
}

/// Line breaks become `\n` (a bare `\r` is an error in a doc comment), bidirectional
/// overrides are dropped (rustc denies them in comments) and other control characters become
/// spaces.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            '\n' | '\t' => out.push(c),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A line of prose, or the content of a fenced block (always written as ```` ```text ```` so
/// rustdoc does not compile it as a doctest).
enum Piece {
    Prose(String),
    Code(Vec<String>),
}

/// Splits the text at ```` ``` ```` fences. Kubernetes puts text on the same line as a fence
/// (the `Quantity` grammar), which Markdown would read as an info string or not as a fence at
/// all, so every fence is cut out of its line and the text around it kept.
fn split_fences(text: &str) -> Vec<Piece> {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut fence_after = vec![false; lines.len()];
    for i in (0..lines.len().saturating_sub(1)).rev() {
        fence_after[i] = fence_after[i + 1] || lines[i + 1].contains("```");
    }
    let mut pieces = Vec::new();
    let mut code: Option<Vec<String>> = None;
    for (i, line) in lines.iter().enumerate() {
        let mut rest: &str = line;
        loop {
            if let Some(mut block) = code.take() {
                let Some((start, n)) = backtick_runs(rest).into_iter().find(|&(_, n)| n >= 3) else {
                    block.push(code_line(rest));
                    code = Some(block);
                    break;
                };
                if !rest[..start].trim().is_empty() {
                    block.push(code_line(&rest[..start]));
                }
                push_code(&mut pieces, block);
                rest = rest[start + n..].trim_start();
            } else {
                let Some((start, n)) = opening_fence(rest, fence_after[i]) else {
                    pieces.push(Piece::Prose(rest.to_string()));
                    break;
                };
                if !rest[..start].trim().is_empty() {
                    pieces.push(Piece::Prose(rest[..start].to_string()));
                }
                code = Some(Vec::new());
                rest = skip_info_string(&rest[start + n..]).trim_start();
            }
            if rest.is_empty() {
                break;
            }
        }
    }
    if let Some(block) = code {
        push_code(&mut pieces, block);
    }
    pieces
}

/// Blank lines at the edges of a block only add empty space to the rendering.
fn push_code(pieces: &mut Vec<Piece>, mut block: Vec<String>) {
    while block.last().is_some_and(String::is_empty) {
        block.pop();
    }
    let leading = block.iter().take_while(|line| line.is_empty()).count();
    block.drain(..leading);
    if !block.is_empty() {
        pieces.push(Piece::Code(block));
    }
}

fn code_line(line: &str) -> String {
    line.replace('\t', "    ").trim_end().to_string()
}

/// The first run of three or more backticks that opens a block: one that is not closed as a
/// code span on the same line, and that some later fence closes (otherwise it is kept as
/// literal backticks rather than turning the rest of the description into code).
fn opening_fence(line: &str, fence_after: bool) -> Option<(usize, usize)> {
    let runs = backtick_runs(line);
    let mut k = 0;
    while k < runs.len() {
        let (start, n) = runs[k];
        if let Some(close) = (k + 1..runs.len()).find(|&j| runs[j].1 == n) {
            k = close + 1;
            continue;
        }
        if n >= 3 && (fence_after || runs[k + 1..].iter().any(|&(_, m)| m >= 3)) {
            return Some((start, n));
        }
        k += 1;
    }
    None
}

/// A lone word right after an opening fence (```` ```yaml ````) is a language tag, not content.
fn skip_info_string(rest: &str) -> &str {
    let word = rest.trim_end();
    let is_tag =
        !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '.'));
    if is_tag {
        ""
    } else {
        rest
    }
}

/// `(start, length)` of each run of backticks.
fn backtick_runs(s: &str) -> Vec<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'`' {
            let start = i;
            while i < bytes.len() && bytes[i] == b'`' {
                i += 1;
            }
            runs.push((start, i - start));
        } else {
            i += 1;
        }
    }
    runs
}

/// A list item that is still open while the following lines of its paragraph are read.
struct Level {
    /// Column of the marker in the description.
    indent: usize,
    /// Column of the item's text in the description; deeper markers open a nested list.
    content: usize,
    /// Column of the item's text in the output: continuation lines are indented exactly this
    /// far, as `doc_lazy_continuation` and `doc_overindented_list_items` want.
    column: usize,
    kind: Marker,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Bullet(u8),
    Ordered(u8),
}

struct Item<'a> {
    kind: Marker,
    marker: &'a str,
    number: Option<u64>,
    /// Spaces between the marker and the text.
    gap: usize,
    text: &'a str,
}

/// Recognises a list item the way Markdown does: `-`, `*`, `+` or up to nine digits and `.`
/// or `)`, then a space and some text.
fn list_item(body: &str) -> Option<Item<'_>> {
    let bytes = body.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let (kind, len) = match (bytes.first()?, bytes.get(digits)) {
        (b @ (b'-' | b'*' | b'+'), _) => (Marker::Bullet(*b), 1),
        (_, Some(d @ (b'.' | b')'))) if (1..=9).contains(&digits) => (Marker::Ordered(*d), digits + 1),
        _ => return None,
    };
    let after = &body[len..];
    let text = after.trim_start_matches(' ');
    if !after.starts_with(' ') || text.is_empty() {
        return None;
    }
    Some(Item { kind, marker: &body[..len], number: body[..len - 1].parse().ok(), gap: after.len() - text.len(), text })
}

/// Lays out one prose line. Indentation in a description is not meaningful Markdown (four
/// spaces or a tab would make a code block, that is a doctest), so lines are de-indented (an
/// indented block that starts a paragraph outside a list has already become a
/// ```` ```text ```` fence in [`doc_lines`]); list items keep their nesting and the lines that
/// continue them are indented to the item's text.
/// After a blank line, a line indented at least as far as an open item's text is a new
/// paragraph of that item, as in Markdown; anything less indented ends the list.
fn prose_line(line: &str, lists: &mut Vec<Level>, paragraph_start: bool) -> String {
    let indent = indent_width(line);
    let body = line.trim().replace('\t', " ");
    if paragraph_start {
        let open = lists.iter().take_while(|level| indent >= level.content).count();
        lists.truncate(open);
    }
    if is_rule_like(&body) {
        return pad(lists) + &escape_all(&body);
    }
    if let Some(item) = list_item(&body) {
        if let Some(line) = list_line(item, indent, lists, paragraph_start) {
            return line;
        }
    }
    pad(lists) + &escape_marker(&body)
}

/// Places a list item under, beside or after the open items, or returns `None` where
/// Markdown would read it as a continuation: an ordered list not starting at 1 cannot
/// interrupt a paragraph.
fn list_line(mut item: Item<'_>, mut indent: usize, lists: &mut Vec<Level>, paragraph_start: bool) -> Option<String> {
    let mut depth = lists.len();
    while depth > 0 && lists[depth - 1].indent > indent {
        depth -= 1;
    }
    let sibling = depth > 0 && indent < lists[depth - 1].content;
    let continues = sibling && lists[depth - 1].kind == item.kind;
    if matches!(item.kind, Marker::Ordered(_)) && item.number != Some(1) && !paragraph_start && !continues {
        return None;
    }
    lists.truncate(if sibling { depth - 1 } else { depth });
    let mut column = lists.last().map_or(0, |level| level.column);
    let mut out = " ".repeat(column);
    loop {
        out.push_str(item.marker);
        out.push(' ');
        let content = indent + item.marker.len() + item.gap.min(4);
        column += item.marker.len() + 1;
        lists.push(Level { indent, content, column, kind: item.kind });
        indent = content;
        if is_rule_like(item.text) {
            out.push_str(&escape_all(item.text));
            return Some(out);
        }
        match list_item(item.text) {
            Some(inner) => item = inner,
            None => break,
        }
    }
    out.push_str(&escape_inline(item.text));
    Some(out)
}

fn pad(lists: &[Level]) -> String {
    " ".repeat(lists.last().map_or(0, |level| level.column))
}

/// Indentation width with Markdown's tab stops of four.
fn indent_width(line: &str) -> usize {
    let mut width = 0;
    for c in line.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width += 4 - width % 4,
            _ => break,
        }
    }
    width
}

/// Lines made only of `-`, `*`, `_`, `=`, `|` and `:` are thematic breaks, setext heading
/// underlines or table delimiter rows.
fn is_rule_like(body: &str) -> bool {
    body.chars().any(|c| c != ' ') && body.chars().all(|c| matches!(c, '-' | '*' | '_' | '=' | '|' | ':' | ' '))
}

fn escape_all(body: &str) -> String {
    let mut out = String::with_capacity(body.len() * 2);
    for c in body.chars() {
        if c != ' ' {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A line that looks like a list item but is not one (an empty item, or an ordered item that
/// Markdown does not let interrupt a paragraph) gets its marker escaped so it stays text.
fn escape_marker(body: &str) -> String {
    let bytes = body.as_bytes();
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    let marker_end = match bytes.get(digits) {
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits,
        Some(b'-' | b'+') if digits == 0 => 0,
        _ => return escape_inline(body),
    };
    if !matches!(bytes.get(marker_end + 1), None | Some(b' ')) {
        return escape_inline(body);
    }
    let mut out = body[..marker_end].to_string();
    out.push('\\');
    out.push_str(&escape_inline(&body[marker_end..]));
    out
}

/// Escapes one line's inline text, leaving code spans as they are. A backtick with no partner
/// on the same line is escaped, so a code span never runs across lines and a stray backtick
/// cannot leave the rest of the description unescaped.
fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    let mut pos = 0;
    for (start, end) in code_spans(s) {
        escape_text(s, pos, start, &mut out);
        out.push_str(&s[start..end]);
        pos = end;
    }
    escape_text(s, pos, s.len(), &mut out);
    out
}

/// Byte ranges of the code spans of a line, paired the way Markdown pairs backtick runs.
fn code_spans(s: &str) -> Vec<(usize, usize)> {
    let runs = backtick_runs(s);
    let mut spans = Vec::new();
    let mut k = 0;
    while k < runs.len() {
        let (start, n) = runs[k];
        match (k + 1..runs.len()).find(|&j| runs[j].1 == n) {
            Some(close) => {
                spans.push((start, runs[close].0 + n));
                k = close + 1;
            }
            None => k += 1,
        }
    }
    spans
}

/// Escapes `s[from..to]`, text outside code spans. Markdown syntax that would change what
/// the prose says is escaped: links, images and footnotes (`[`, `![`), HTML (`<`), emphasis (`*`, `_`),
/// strikethrough (`~`), escapes (`\`), entities (`&`), headings (`#`) and `--`, which smart
/// punctuation turns into a dash. Bare URLs become autolinks (`rustdoc::bare_urls`); existing
/// autolinks and `[text](https://...)` links are kept.
fn escape_text(s: &str, from: usize, to: usize, out: &mut String) {
    let mut i = from;
    while i < to {
        let rest = &s[i..to];
        if let Some(len) = autolink_len(rest) {
            out.push_str(&rest[..len]);
            i += len;
            continue;
        }
        if let Some(len) = url_len(rest) {
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            i += len;
            continue;
        }
        if let Some((text_end, len)) = inline_link(rest) {
            out.push('[');
            escape_text(s, i + 1, i + text_end, out);
            out.push_str(&rest[text_end..len]);
            i += len;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        let prev = s[..i].chars().next_back();
        let next = s[i + c.len_utf8()..].chars().next();
        let escape = match c {
            '\\' | '[' | ']' | '<' | '>' | '*' | '~' | '`' => true,
            '_' => !(prev.is_some_and(char::is_alphanumeric) && next.is_some_and(char::is_alphanumeric)),
            '-' => prev == Some('-'),
            '#' => i == 0,
            '&' => looks_like_entity(&rest[1..]),
            '!' => next == Some('['),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        i += c.len_utf8();
    }
}

fn scheme_len(s: &str) -> Option<usize> {
    ["https://", "http://"]
        .into_iter()
        .find_map(|scheme| s.get(..scheme.len()).filter(|head| head.eq_ignore_ascii_case(scheme)).map(|_| scheme.len()))
}

/// Length of a bare URL at the start of `s`, without the punctuation that ends the sentence
/// around it and without a `)` or `]` that closes an enclosing bracket.
fn url_len(s: &str) -> Option<usize> {
    let scheme = scheme_len(s)?;
    let end = s[scheme..]
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
        .map_or(s.len(), |n| scheme + n);
    let mut url = &s[..end];
    while let Some(last) = url.chars().next_back() {
        let unbalanced =
            |open: char, close: char| last == close && url.matches(open).count() < url.matches(close).count();
        if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '*')
            || unbalanced('(', ')')
            || unbalanced('[', ']')
            || unbalanced('{', '}')
        {
            url = &url[..url.len() - 1];
        } else {
            break;
        }
    }
    (url.len() > scheme).then_some(url.len())
}

/// Length of an autolink `<https://...>` at the start of `s`.
fn autolink_len(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('<')?;
    let scheme = scheme_len(inner)?;
    let close = inner.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>'))?;
    (inner[close..].starts_with('>') && close > scheme).then_some(close + 2)
}

/// A Markdown link `[text](https://...)` at the start of `s`: the description means it as a
/// link. Returns where its text ends (the `]`) and its length.
fn inline_link(s: &str) -> Option<(usize, usize)> {
    let body = s.strip_prefix('[')?;
    let close = body.find(']')?;
    let text = &body[..close];
    if text.trim().is_empty() || text.contains(['[', '`']) || text.contains("://") {
        return None;
    }
    let target = body[close + 1..].strip_prefix('(')?;
    scheme_len(target)?;
    let mut depth = 0usize;
    for (j, c) in target.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return Some((close + 1, 1 + close + 2 + j + 1)),
            ')' => depth -= 1,
            c if c.is_whitespace() || matches!(c, '<' | '>' | '`') => return None,
            _ => {}
        }
    }
    None
}

/// `&name;` or `&#123;` would render as the character it names.
fn looks_like_entity(after: &str) -> bool {
    let name = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '#')).unwrap_or(after.len());
    name > 0 && after[name..].starts_with(';')
}

#[cfg(test)]
mod tests {
    use super::doc_lines;

    fn lines(text: &str) -> Vec<String> {
        doc_lines(text)
    }

    #[test]
    fn empty_and_blank_text_give_no_lines() {
        assert!(lines("").is_empty());
        assert!(lines(" \n\t\r\n  ").is_empty());
    }

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(lines("Name of the pod."), ["Name of the pod."]);
    }

    #[test]
    fn brackets_are_escaped() {
        assert_eq!(lines("keys like data[key] or [a, b]"), [r"keys like data\[key\] or \[a, b\]"]);
    }

    #[test]
    fn html_like_text_is_escaped() {
        assert_eq!(
            lines("Format: <quantity>, default <none>; a -> b"),
            [r"Format: \<quantity\>, default \<none\>; a -\> b"]
        );
    }

    #[test]
    fn bare_urls_become_autolinks_without_trailing_punctuation() {
        assert_eq!(
            lines("More info: https://kubernetes.io/docs/concepts/pods."),
            ["More info: <https://kubernetes.io/docs/concepts/pods>."]
        );
        assert_eq!(
            lines("(see http://example.com/a), then https://e.io/x; or https://e.io/y:"),
            ["(see <http://example.com/a>), then <https://e.io/x>; or <https://e.io/y>:"]
        );
        assert_eq!(
            lines("at https://e.io/#:~:text=a-,b,-(string)%2C%20c, ok"),
            ["at <https://e.io/#:~:text=a-,b,-(string)%2C%20c>, ok"]
        );
    }

    #[test]
    fn urls_without_a_host_are_left_as_text() {
        assert_eq!(
            lines(r#"must begin with "https://". Like http://<host>/<path>"#),
            [r#"must begin with "https://". Like http://\<host\>/\<path\>"#]
        );
    }

    #[test]
    fn existing_autolinks_and_markdown_links_are_kept() {
        assert_eq!(
            lines("see <https://e.io/a> and [JSON patch](https://jsonpatch.com/) [x]"),
            [r"see <https://e.io/a> and [JSON patch](https://jsonpatch.com/) \[x\]"]
        );
        assert_eq!(lines("![logo](https://e.io/a.png)"), [r"\![logo](https://e.io/a.png)"]);
        assert_eq!(lines("[SEC 1, <v2>](https://e.io/a_(b)) ok"), [r"[SEC 1, \<v2\>](https://e.io/a_(b)) ok"]);
    }

    #[test]
    fn indented_lines_are_de_indented() {
        assert_eq!(
            lines("Example:\n\n    device.driver\n\tdevice.attributes\n\n\t{\n\t  a: b\n\t}"),
            ["Example:", "", "```text", "device.driver", "device.attributes", "", "{", "  a: b", "}", "```"]
        );
    }

    #[test]
    fn indented_lines_that_continue_a_paragraph_are_de_indented() {
        assert_eq!(
            lines("Example:\n    device.driver\n\tdevice [x]\n\n  two spaces\n   three"),
            ["Example:", "device.driver", r"device \[x\]", "", "two spaces", "three"]
        );
    }

    #[test]
    fn an_indented_block_at_the_start_is_fenced() {
        assert_eq!(
            lines("    a: [b] <c> *d*\n      e: https://e.io\n\nText [x]."),
            ["```text", "a: [b] <c> *d*", "  e: https://e.io", "```", "", r"Text \[x\].",]
        );
    }

    #[test]
    fn an_indented_block_followed_directly_by_prose_is_closed_before_it() {
        assert_eq!(
            lines("given:\n\n\t{\n\t  Ports: [1]\n\t}\nThe result [y]:\n\n\ta: [ 1:2 ]"),
            [
                "given:",
                "",
                "```text",
                "{",
                "  Ports: [1]",
                "}",
                "```",
                "",
                r"The result \[y\]:",
                "",
                "```text",
                "a: [ 1:2 ]",
                "```",
            ]
        );
    }

    #[test]
    fn blank_lines_inside_an_indented_block_are_kept() {
        assert_eq!(
            lines("of:\n\n    base64(\n    -----BEGIN-----\n\n\n    ...\n    )\n\n\nDone."),
            ["of:", "", "```text", "base64(", "-----BEGIN-----", "", "", "...", ")", "```", "", "Done.",]
        );
    }

    #[test]
    fn tab_indented_blocks_keep_their_layout_with_tabs_as_spaces() {
        assert_eq!(
            lines("// Internal:\n\n\ttype A struct {\n\t\tB runtime.Object `json:\"b\"`\n\t}\n\n// Wire:"),
            [
                "// Internal:",
                "",
                "```text",
                "type A struct {",
                "    B runtime.Object `json:\"b\"`",
                "}",
                "```",
                "",
                "// Wire:",
            ]
        );
        assert_eq!(lines("a\n\n\tx\n\t\ty\n    z"), ["a", "", "```text", "x", "    y", "z", "```"]);
    }

    #[test]
    fn indented_blocks_inside_lists_stay_list_paragraphs() {
        assert_eq!(
            lines("- a\n\n    b [c]\n\td\n1. e\n\n\t  f"),
            ["- a", "", "  b \\[c\\]", "  d", "1. e", "", "   f"]
        );
        assert_eq!(lines("- a\n\nb\n\n    c [d]"), ["- a", "", "b", "", "```text", "c [d]", "```"]);
        assert_eq!(lines("1.   a\n\n    b"), ["1. a", "", "```text", "b", "```"]);
    }

    #[test]
    fn indented_blocks_are_not_closed_by_the_backticks_they_hold() {
        assert_eq!(lines("a\n\n    ```\n    x"), ["a", "", "````text", "```", "x", "````"]);
    }

    #[test]
    fn fences_get_their_own_lines_and_verbatim_content() {
        let text = "The format is:\n\n``` <quantity> ::= <signedNumber><suffix>\n\n\t(Note [x])\n\n<decimalExponent> ::= \"e\" <signedNumber> ```\n\nNo [matter].";
        assert_eq!(
            lines(text),
            [
                "The format is:",
                "",
                "```text",
                "<quantity> ::= <signedNumber><suffix>",
                "",
                "    (Note [x])",
                "",
                "<decimalExponent> ::= \"e\" <signedNumber>",
                "```",
                "",
                r"No \[matter\].",
            ]
        );
    }

    #[test]
    fn fence_language_tags_become_text() {
        assert_eq!(
            lines("Example: ```yaml\na: [1]\n```\n```json\n{}\n```"),
            ["Example:", "```text", "a: [1]", "```", "```text", "{}", "```"]
        );
    }

    #[test]
    fn a_fence_nothing_closes_is_literal() {
        assert_eq!(lines("a ``` b [c]"), [r"a \`\`\` b \[c\]"]);
        assert_eq!(lines("x\n```\nfn main() {}"), ["x", r"\`\`\`", "fn main() {}"]);
    }

    #[test]
    fn triple_backtick_code_spans_stay_inline() {
        assert_eq!(lines("use ```a`b``` here"), ["use ```a`b``` here"]);
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(lines("a\tb `c\td`"), ["a b `c d`"]);
        assert_eq!(lines("```\n\tx\n```"), ["```text", "    x", "```"]);
    }

    #[test]
    fn list_continuations_are_indented_to_the_item_text() {
        let text = "Conditions: - x\n- SyncFailed: could not\n              compute it.\n- Other: y\nLazy line.";
        assert_eq!(
            lines(text),
            ["Conditions: - x", "- SyncFailed: could not", "  compute it.", "- Other: y", "  Lazy line."]
        );
    }

    #[test]
    fn ordered_items_use_their_marker_width() {
        let text = "2.  If set: more\n\t   The final amount.\n    For example.\n10. ten\n    x";
        assert_eq!(lines(text), ["2. If set: more", "   The final amount.", "   For example.", "10. ten", "    x"]);
        assert_eq!(lines("1) anyOf:\n2. allOf\n3) oneOf"), ["1) anyOf:", r"   2\. allOf", "3) oneOf"]);
    }

    #[test]
    fn nested_lists_keep_their_nesting() {
        let text =
            "Values:\n\t* Un-prefixed keys:\n\t\t- storage - the volume.\n\t\t  more\n\t* Custom: a\nApart from that.";
        assert_eq!(
            lines(text),
            [
                "Values:",
                "* Un-prefixed keys:",
                "  - storage - the volume.",
                "    more",
                "* Custom: a",
                "  Apart from that.",
            ]
        );
        assert_eq!(
            lines("1) anyOf:\n   - type: integer\n2) allOf:\n   - anyOf:\n     - type: string"),
            ["1) anyOf:", "   - type: integer", "2) allOf:", "   - anyOf:", "     - type: string"]
        );
    }

    #[test]
    fn ordered_markers_that_cannot_start_a_list_stay_text() {
        assert_eq!(
            lines("The number of windows is\n14. The doors\nare 6."),
            ["The number of windows is", r"14\. The doors", "are 6."]
        );
        assert_eq!(lines("a\n1. one\n2. two"), ["a", "1. one", "2. two"]);
    }

    #[test]
    fn a_blank_line_ends_the_list_unless_the_next_line_is_indented_into_it() {
        assert_eq!(lines("- a\n  b\n\nc\n\n\n2. d"), ["- a", "  b", "", "c", "", "2. d"]);
        assert_eq!(
            lines("1. one\n\n      para in one\n\t- nested\n\n\t  para in nested\n   back in one\n2. two"),
            ["1. one", "", "   para in one", "   - nested", "", "     para in nested", "     back in one", "2. two",]
        );
    }

    #[test]
    fn blank_lines_and_trailing_whitespace_are_tidied() {
        assert_eq!(lines("\r\n\n  first  \r\nsecond\t\r\n\r\n\r\n\nthird \n\n"), ["first", "second", "", "third"]);
    }

    #[test]
    fn code_spans_are_not_escaped() {
        assert_eq!(
            lines("`spec.devices[*].capacity` and `<none>`, [x]"),
            [r"`spec.devices[*].capacity` and `<none>`, \[x\]"]
        );
        assert_eq!(lines("`https://e.io`"), ["`https://e.io`"]);
    }

    #[test]
    fn an_unbalanced_backtick_does_not_stop_escaping() {
        assert_eq!(lines("'a.<b>` - x [y]\nnext [z] `c` `d"), [r"'a.\<b\>\` - x \[y\]", r"next \[z\] `c` \`d"]);
    }

    #[test]
    fn emphasis_strikethrough_and_smart_punctuation_are_escaped() {
        assert_eq!(
            lines("'pods/*' means all, '*/scale' too; _all_ of snake_case; '~0' and '~1'"),
            [r"'pods/\*' means all, '\*/scale' too; \_all\_ of snake_case; '\~0' and '\~1'"]
        );
        assert_eq!(
            lines("the --cluster-signing-duration flag, rw-rw----"),
            [r"the -\-cluster-signing-duration flag, rw-rw-\-\-\-"]
        );
    }

    #[test]
    fn backslashes_and_entities_are_escaped() {
        assert_eq!(
            lines(r"HKLM\\SYSTEM\x, regex ^\d{3}$, &amp; & &#42;"),
            [r"HKLM\\\\SYSTEM\\x, regex ^\\d{3}$, \&amp; & \&#42;"]
        );
    }

    #[test]
    fn headings_rules_and_empty_markers_stay_text() {
        assert_eq!(
            lines("# not a heading\nTitle\n---\n===\n-\n* * *"),
            [r"\# not a heading", "Title", r"\-\-\-", r"\=\=\=", r"\-", r"\* \* \*"]
        );
        assert_eq!(lines("| a | b |\n| :- | - |\n| 1 | 2 |"), ["| a | b |", r"\| \:\- \| \- \|", "| 1 | 2 |"]);
    }

    #[test]
    fn control_and_bidi_characters_are_removed() {
        assert_eq!(lines("a\u{202E}b\u{7}c\rd"), ["ab c", "d"]);
    }
}

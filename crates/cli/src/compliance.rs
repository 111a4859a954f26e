//! `anumodan compliance report`: the compliance matrix (`docs/compliance.md`, compiled into the
//! binary) as HTML and PDF, for readers who do not read Markdown, with the version, the commit
//! and the date of the last verification (the stamp `scripts/check-compliance.py --stamp`
//! writes when the matrix held against a test run).

use anyhow::Context;
use clap::Subcommand;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The matrix, as it was when the binary was built.
const MATRIX: &str = include_str!("../../../docs/compliance.md");
/// The commit the binary was built from (`build.rs`), or `unknown`.
const COMMIT: &str = env!("ANUMODAN_COMMIT");

#[derive(Subcommand)]
pub(crate) enum ComplianceCommand {
    /// Write the compliance matrix as compliance.html and compliance.pdf, with the version, the
    /// commit and the date of the last verification.
    Report {
        /// Directory to write into (created when missing)
        #[arg(long, value_name = "DIR", default_value = ".")]
        out: PathBuf,
        /// The verification stamp written by `scripts/check-compliance.py --stamp FILE` (`.ci/run`
        /// writes $CARGO_TARGET_DIR/compliance-verified.json); without it the report says that
        /// no verification was given
        #[arg(long, value_name = "FILE")]
        verified: Option<PathBuf>,
    },
}

pub(crate) fn run(cmd: ComplianceCommand) -> anyhow::Result<()> {
    let ComplianceCommand::Report { out, verified } = cmd;
    let verification = match &verified {
        Some(p) => Some(read_stamp(p)?),
        None => None,
    };
    let meta = Meta {
        version: env!("CARGO_PKG_VERSION").to_string(),
        commit: COMMIT.to_string(),
        generated: time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default(),
        verified: verification,
    };
    let doc = parse(MATRIX);
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let html = out.join("compliance.html");
    let pdf = out.join("compliance.pdf");
    std::fs::write(&html, render_html(&doc, &meta))
        .with_context(|| format!("writing {}", html.display()))?;
    std::fs::write(&pdf, render_pdf(&doc, &meta))
        .with_context(|| format!("writing {}", pdf.display()))?;
    println!("{}\n{}", html.display(), pdf.display());
    Ok(())
}

/// What the last successful check said: when, and against which commit.
struct Verification {
    at: String,
    commit: String,
}

fn read_stamp(path: &Path) -> anyhow::Result<Verification> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not a verification stamp", path.display()))?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Ok(Verification {
        at: field("verified_at").with_context(|| format!("{}: no verified_at", path.display()))?,
        commit: field("commit").unwrap_or_else(|| "unknown".into()),
    })
}

struct Meta {
    version: String,
    commit: String,
    generated: String,
    verified: Option<Verification>,
}

impl Meta {
    fn lines(&self) -> Vec<String> {
        let verified = match &self.verified {
            Some(ver) if ver.commit == self.commit || self.commit == "unknown" => {
                format!("Last verified against the tests: {} (commit {})", ver.at, ver.commit)
            }
            Some(ver) => format!(
                "Last verified against the tests: {} at commit {}, not the commit of this binary",
                ver.at, ver.commit
            ),
            None => "Last verified against the tests: no verification given (see scripts/check-compliance.py)".into(),
        };
        vec![
            format!("Anumodan {}, commit {}", self.version, self.commit),
            format!("Generated {}", self.generated),
            verified,
        ]
    }
}

/// The Markdown the matrix uses: headings, paragraphs, lists and tables.
#[derive(Debug, PartialEq)]
enum Block {
    Heading(usize, String),
    Para(String),
    List(Vec<String>),
    Table(Vec<String>, Vec<Vec<String>>),
}

fn cells(line: &str) -> Vec<String> {
    let line = line.trim().trim_start_matches('|');
    let line = line.strip_suffix('|').unwrap_or(line);
    let mut out = vec![String::new()];
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                out.last_mut().unwrap().push('|');
            }
            '|' => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out.into_iter().map(|c| c.trim().to_string()).collect()
}

fn parse(md: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let mut table: Option<(Vec<String>, Vec<Vec<String>>)> = None;
    let flush = |blocks: &mut Vec<Block>,
                 para: &mut Vec<&str>,
                 list: &mut Vec<String>,
                 table: &mut Option<(Vec<String>, Vec<Vec<String>>)>| {
        if !para.is_empty() {
            blocks.push(Block::Para(para.join(" ")));
            para.clear();
        }
        if !list.is_empty() {
            blocks.push(Block::List(std::mem::take(list)));
        }
        if let Some((h, rows)) = table.take() {
            blocks.push(Block::Table(h, rows));
        }
    };
    for line in md.lines() {
        let t = line.trim_end();
        if t.starts_with('|') {
            if !para.is_empty() || !list.is_empty() {
                flush(&mut blocks, &mut para, &mut list, &mut None);
            }
            let c = cells(t);
            let separator = c
                .iter()
                .all(|x| !x.is_empty() && x.chars().all(|ch| ch == '-' || ch == ':'));
            if let Some((_, rows)) = &mut table {
                if !separator {
                    rows.push(c);
                }
            } else {
                table = Some((c, Vec::new()));
            }
            continue;
        }
        if table.is_some() {
            flush(&mut blocks, &mut para, &mut list, &mut table);
        }
        if t.is_empty() {
            flush(&mut blocks, &mut para, &mut list, &mut table);
        } else if let Some(level) = (1..=4).find(|n| t.starts_with(&format!("{} ", "#".repeat(*n))))
        {
            flush(&mut blocks, &mut para, &mut list, &mut table);
            blocks.push(Block::Heading(level, t[level + 1..].trim().to_string()));
        } else if let Some(item) = t.strip_prefix("- ") {
            if !para.is_empty() {
                flush(&mut blocks, &mut para, &mut list, &mut None);
            }
            list.push(item.trim().to_string());
        } else if !list.is_empty() && t.starts_with("  ") {
            let last = list.last_mut().unwrap();
            last.push(' ');
            last.push_str(t.trim());
        } else {
            if !list.is_empty() {
                flush(&mut blocks, &mut para, &mut list, &mut None);
            }
            para.push(t.trim());
        }
    }
    flush(&mut blocks, &mut para, &mut list, &mut table);
    blocks
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Inline Markdown: `code`, **bold** and [links](target) (a link to another .md file is shown
/// as its text: the report stands alone).
fn inline_html(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
            continue;
        }
        let mut text = escape(part);
        while let (Some(a), true) = (text.find("**"), text.matches("**").count() >= 2) {
            let b = a + 2 + text[a + 2..].find("**").unwrap();
            text = format!(
                "{}<strong>{}</strong>{}",
                &text[..a],
                &text[a + 2..b],
                &text[b + 2..]
            );
        }
        out.push_str(&links(&text, true));
    }
    out
}

/// `[text](target)` → the text (HTML: an external link when the target is http(s)).
fn links(s: &str, html: bool) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let end = match rest[close..].starts_with("](") {
            true => rest[close..].find(')').map(|e| close + e),
            false => None,
        };
        let Some(end) = end else {
            // Brackets that are not a link stay as they are.
            out.push_str(&rest[..=close]);
            rest = &rest[close + 1..];
            continue;
        };
        let (text, target) = (&rest[open + 1..close], &rest[close + 2..end]);
        out.push_str(&rest[..open]);
        if html && (target.starts_with("https://") || target.starts_with("http://")) {
            let _ = write!(out, "<a href=\"{target}\">{text}</a>");
        } else {
            out.push_str(text);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

const STATUSES: [&str; 5] = ["done", "partial", "missing", "n/a", "departs"];

fn render_html(doc: &[Block], meta: &Meta) -> String {
    let mut h = String::from(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Anumodan compliance matrix</title>\n<style>\n\
         body{font-family:system-ui,sans-serif;margin:2rem;line-height:1.4;color:#111}\n\
         table{border-collapse:collapse;margin:1rem 0;font-size:.85rem}\n\
         th,td{border:1px solid #999;padding:.25rem .4rem;vertical-align:top;text-align:left}\n\
         th{background:#eee} code{font-size:.8rem;overflow-wrap:anywhere}\n\
         .s-done{background:#dff0d8}.s-partial{background:#fcf8e3}.s-missing{background:#f2dede}\n\
         .s-na{background:#eee}.s-departs{background:#e8e0f0}\n\
         .meta{border:1px solid #999;padding:.5rem 1rem;background:#f7f7f7}\n\
         </style>\n</head>\n<body>\n",
    );
    h.push_str("<div class=\"meta\">\n");
    for l in meta.lines() {
        let _ = writeln!(h, "<p>{}</p>", escape(&l));
    }
    h.push_str("</div>\n");
    for b in doc {
        match b {
            Block::Heading(n, t) => {
                let _ = writeln!(h, "<h{n}>{}</h{n}>", inline_html(t));
            }
            Block::Para(t) => {
                let _ = writeln!(h, "<p>{}</p>", inline_html(t));
            }
            Block::List(items) => {
                h.push_str("<ul>\n");
                for i in items {
                    let _ = writeln!(h, "<li>{}</li>", inline_html(i));
                }
                h.push_str("</ul>\n");
            }
            Block::Table(head, rows) => {
                let status_col = head.iter().position(|c| c.eq_ignore_ascii_case("status"));
                h.push_str("<table>\n<thead><tr>");
                for c in head {
                    let _ = write!(h, "<th>{}</th>", inline_html(c));
                }
                h.push_str("</tr></thead>\n<tbody>\n");
                for r in rows {
                    h.push_str("<tr>");
                    for (i, c) in r.iter().enumerate() {
                        let word = c.trim_matches('`');
                        if Some(i) == status_col && STATUSES.contains(&word) {
                            let class = if word == "n/a" { "na" } else { word };
                            let _ = write!(h, "<td class=\"s-{class}\">{}</td>", escape(word));
                        } else {
                            let _ = write!(h, "<td>{}</td>", inline_html(c));
                        }
                    }
                    h.push_str("</tr>\n");
                }
                h.push_str("</tbody>\n</table>\n");
            }
        }
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// Text for the PDF's standard fonts (WinAnsi): the few non-ASCII characters the matrix uses
/// in ASCII, Markdown marks removed.
fn plain(s: &str) -> String {
    let s = links(s, false).replace("**", "").replace('`', "");
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '—' | '–' => out.push('-'),
            '→' => out.push_str("->"),
            '≥' => out.push_str(">="),
            '≤' => out.push_str("<="),
            '‘' | '’' => out.push('\''),
            '“' | '”' => out.push('"'),
            '…' => out.push_str("..."),
            '×' => out.push('x'),
            c if c.is_ascii() => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// Wraps `text` to `width` characters, breaking at spaces (or inside a word longer than a line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        while word.len() > width {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let rest = word.split_off(width);
            lines.push(word);
            word = rest;
        }
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// One line of the PDF: bold or not, and its text.
type Line = (bool, String);

const COLS: usize = 104; // Courier 8 pt: 4.8 pt a character, 500 pt of text width
const ROWS: usize = 72; // 10 pt leading, 720 pt of text height

fn pdf_lines(doc: &[Block], meta: &Meta) -> Vec<Line> {
    fn push_wrapped(out: &mut Vec<Line>, bold: bool, indent: usize, text: &str) {
        for l in wrap(&plain(text), COLS - indent) {
            out.push((bold, format!("{}{}", " ".repeat(indent), l)));
        }
    }
    let mut out: Vec<Line> = Vec::new();
    for l in meta.lines() {
        push_wrapped(&mut out, true, 0, &l);
    }
    out.push((false, String::new()));
    for b in doc {
        match b {
            Block::Heading(_, t) => {
                out.push((false, String::new()));
                push_wrapped(&mut out, true, 0, t);
            }
            Block::Para(t) => {
                push_wrapped(&mut out, false, 0, t);
                out.push((false, String::new()));
            }
            Block::List(items) => {
                for i in items {
                    push_wrapped(&mut out, false, 2, &format!("- {i}"));
                }
                out.push((false, String::new()));
            }
            Block::Table(head, rows) => {
                let is_matrix = head.len() >= 4 && head[0].eq_ignore_ascii_case("id");
                for r in rows {
                    if is_matrix {
                        // ID [status] requirement, then each further column on its own lines.
                        let status = r.get(2).map(|s| s.trim_matches('`')).unwrap_or("");
                        push_wrapped(
                            &mut out,
                            true,
                            0,
                            &format!(
                                "{} [{}] {}",
                                r[0],
                                status,
                                r.get(1).map(String::as_str).unwrap_or("")
                            ),
                        );
                        for (h, c) in head.iter().zip(r.iter()).skip(3) {
                            if !c.trim().is_empty() {
                                push_wrapped(&mut out, false, 4, &format!("{h}: {c}"));
                            }
                        }
                    } else {
                        let pairs: Vec<String> = head
                            .iter()
                            .zip(r.iter())
                            .map(|(h, c)| format!("{h}: {c}"))
                            .collect();
                        push_wrapped(&mut out, false, 2, &pairs.join("; "));
                    }
                }
                out.push((false, String::new()));
            }
        }
    }
    out
}

fn pdf_string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('(');
    for c in s.chars() {
        match c {
            '\\' | '(' | ')' => {
                o.push('\\');
                o.push(c);
            }
            c => o.push(c),
        }
    }
    o.push(')');
    o
}

/// A PDF 1.4 file of the matrix in Courier (the standard fonts need no embedding), A4.
fn render_pdf(doc: &[Block], meta: &Meta) -> Vec<u8> {
    let lines = pdf_lines(doc, meta);
    let pages: Vec<&[Line]> = lines.chunks(ROWS).collect();
    let n = pages.len();
    // Objects: 1 catalog, 2 pages, 3 Courier, 4 Courier-Bold, 5 info, then a page and its
    // content stream per page.
    let mut objects: Vec<String> = Vec::new();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
    objects.push(format!(
        "<< /Type /Pages /Kids [{}] /Count {n} >>",
        kids.join(" ")
    ));
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>".into(),
    );
    objects.push(
        "<< /Type /Font /Subtype /Type1 /BaseFont /Courier-Bold /Encoding /WinAnsiEncoding >>"
            .into(),
    );
    objects.push(format!(
        "<< /Title {} /Producer {} >>",
        pdf_string("Anumodan compliance matrix"),
        pdf_string(&plain(&format!(
            "anumodan {} ({})",
            meta.version, meta.commit
        )))
    ));
    for (i, page) in pages.iter().enumerate() {
        let mut s = String::from("BT\n10 TL\n48 800 Td\n");
        let mut bold = None;
        for (b, text) in page.iter() {
            if bold != Some(*b) {
                let _ = writeln!(s, "/{} 8 Tf", if *b { "F2" } else { "F1" });
                bold = Some(*b);
            }
            let _ = writeln!(s, "{} Tj T*", pdf_string(text));
        }
        let _ = writeln!(
            s,
            "/F1 7 Tf\n0 -10 Td\n{} Tj",
            pdf_string(&format!("page {} of {n}", i + 1))
        );
        s.push_str("ET\n");
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
            7 + 2 * i
        ));
        objects.push(format!("<< /Length {} >>\nstream\n{s}endstream", s.len()));
    }
    let mut out = Vec::new();
    out.extend_from_slice(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    let mut x = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for off in offsets {
        let _ = writeln!(x, "{off:010} 00000 n ");
    }
    let _ = write!(
        x,
        "trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend_from_slice(x.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix_parses_into_tables_with_every_row() {
        let doc = parse(MATRIX);
        let ids: Vec<&str> = doc
            .iter()
            .filter_map(|b| match b {
                Block::Table(h, rows) if h[0] == "ID" => Some(rows.iter().map(|r| r[0].as_str())),
                _ => None,
            })
            .flatten()
            .collect();
        for id in [
            "O-1", "1.18", "21.7", "DG-1", "DG-26", "N-1", "A-4", "X1", "X8",
        ] {
            assert!(ids.contains(&id), "{id} missing");
        }
        assert!(ids.len() >= 240, "{}", ids.len());
    }

    #[test]
    fn cells_keep_escaped_pipes() {
        assert_eq!(cells("| a | `x\\|y` | |"), vec!["a", "`x|y`", ""]);
    }

    #[test]
    fn wrapping_never_exceeds_the_width() {
        let long = format!("{} short {}", "x".repeat(250), "word ".repeat(40));
        for l in wrap(&long, 30) {
            assert!(l.len() <= 30, "{l}");
        }
        assert_eq!(wrap("a b c", 3), vec!["a b", "c"]);
    }

    #[test]
    fn inline_markdown_is_escaped_and_rendered() {
        assert_eq!(
            inline_html("**x** <y> `a<b` [t](https://e.org) [d](docs.md)"),
            "<strong>x</strong> &lt;y&gt; <code>a&lt;b</code> <a href=\"https://e.org\">t</a> d"
        );
        assert_eq!(plain("a — b ≥ `c` → [d](e.md)"), "a - b >= c -> d");
        assert_eq!(plain("X8 [departs] see [d](e.md)"), "X8 [departs] see d");
    }
}

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
    std::fs::write(&pdf, render_pdf(&doc, &meta)?)
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

/// Text for the PDF: Markdown marks and links' targets removed (the fonts of anumodan-pdf
/// draw every character the matrix uses, so nothing else is changed).
fn plain(s: &str) -> String {
    links(s, false).replace("**", "").replace('`', "")
}

/// The matrix as an A4 document with anumodan-pdf (embedded, subset fonts; text that can be
/// searched and copied).
fn pdf_doc(doc: &[Block], meta: &Meta) -> anumodan_pdf::Doc {
    use anumodan_pdf::{Block as B, Column};
    let mut blocks = vec![B::Title("Anumodan compliance matrix".into())];
    for l in meta.lines() {
        blocks.push(B::Note(plain(&l)));
    }
    for b in doc {
        match b {
            Block::Heading(_, t) => blocks.push(B::Heading(plain(t))),
            Block::Para(t) => blocks.push(B::Text(plain(t))),
            Block::List(items) => {
                for i in items {
                    blocks.push(B::Text(format!("• {}", plain(i))));
                }
            }
            Block::Table(head, rows) => {
                // The matrix's tables: the requirement and the feature get the room.
                let weight = |h: &str| match h.to_ascii_lowercase().as_str() {
                    "id" | "status" => 0.6,
                    _ => 2.0,
                };
                blocks.push(B::Table {
                    columns: head
                        .iter()
                        .map(|h| Column {
                            title: plain(h),
                            weight: weight(h),
                        })
                        .collect(),
                    rows: rows
                        .iter()
                        .map(|r| r.iter().map(|c| plain(c)).collect())
                        .collect(),
                });
            }
        }
    }
    anumodan_pdf::Doc {
        title: "Anumodan compliance matrix".into(),
        lang: "en".into(),
        rtl: false,
        footer: format!(
            "Anumodan {} ({}) - page {{page}} of {{pages}}",
            meta.version, meta.commit
        ),
        blocks,
    }
}

fn render_pdf(doc: &[Block], meta: &Meta) -> anyhow::Result<Vec<u8>> {
    let fonts = anumodan_pdf::Fonts::load(&[]);
    anumodan_pdf::render(&pdf_doc(doc, meta), &fonts).map_err(|e| anyhow::anyhow!("{e}"))
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
    fn inline_markdown_is_escaped_and_rendered() {
        assert_eq!(
            inline_html("**x** <y> `a<b` [t](https://e.org) [d](docs.md)"),
            "<strong>x</strong> &lt;y&gt; <code>a&lt;b</code> <a href=\"https://e.org\">t</a> d"
        );
        assert_eq!(plain("a — b ≥ `c` → [d](e.md)"), "a — b ≥ c → d");
        assert_eq!(plain("X8 [departs] see [d](e.md)"), "X8 [departs] see d");
    }
}

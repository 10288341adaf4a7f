// Command mdman turns a docs/ page into the Markdown that go-md2man
// renders as a manual page, so hostp2pd(8) and hostp2pd.yaml(5) are built
// from docs/cli.md and docs/config.md at package time and never drift
// from them.
//
//	mdman -version 1.2.3 -date 2026-12-02 [-drop 'For Go code'] TEMPLATE DOC > page.md
//
// TEMPLATE (docs/man/*.md) holds the title block, NAME, SYNOPSIS and SEE
// ALSO; its line "@BODY@" is replaced by DOC converted for a manual page:
//   - DOC's "# title" line is dropped; "##" headings become sections (.SH,
//     upper case), "###" stay subsections (.SS);
//   - a "##" section whose title starts with a -drop prefix is left out;
//   - tables become definition lists (.TP), since tbl cannot wrap long
//     cells: the first cell is the term, the other cells the text, the
//     middle ones labelled by their column header;
//   - links to other pages keep their text: cli.md and config.md become
//     references to hostp2pd(8) and hostp2pd.yaml(5), web links stay.
//
// "@VERSION@" and "@DATE@" in TEMPLATE are replaced by -version and -date.
// The tool is run by packaging/build-deb.sh; it is not part of hostp2pd.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

type dropList []string

func (d *dropList) String() string     { return strings.Join(*d, ",") }
func (d *dropList) Set(s string) error { *d = append(*d, s); return nil }

func main() {
	var drop dropList
	version := flag.String("version", "", "version for the page footer")
	date := flag.String("date", "", "date for the page footer (YYYY-MM-DD)")
	flag.Var(&drop, "drop", "leave out the ## section whose title starts with this (repeatable)")
	flag.Parse()
	if flag.NArg() != 2 {
		fmt.Fprintln(os.Stderr, "usage: mdman [-version V] [-date D] [-drop TITLE]... TEMPLATE DOC")
		os.Exit(2)
	}
	tmpl, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "mdman:", err)
		os.Exit(1)
	}
	doc, err := os.ReadFile(flag.Arg(1))
	if err != nil {
		fmt.Fprintln(os.Stderr, "mdman:", err)
		os.Exit(1)
	}
	out, err := render(string(tmpl), string(doc), *version, *date, drop)
	if err != nil {
		fmt.Fprintf(os.Stderr, "mdman: %s: %v\n", flag.Arg(0), err)
		os.Exit(1)
	}
	if _, err := io.WriteString(os.Stdout, out); err != nil {
		fmt.Fprintln(os.Stderr, "mdman:", err)
		os.Exit(1)
	}
}

// render fills tmpl with the converted doc.
func render(tmpl, doc, version, date string, drop []string) (string, error) {
	if strings.Count(tmpl, "\n@BODY@\n") != 1 {
		return "", fmt.Errorf("want exactly one line @BODY@")
	}
	tmpl = strings.NewReplacer("@VERSION@", version, "@DATE@", date).Replace(tmpl)
	return strings.Replace(tmpl, "\n@BODY@\n", "\n"+convert(doc, drop), 1), nil
}

// convert rewrites a docs/ page for go-md2man (see the package comment).
func convert(doc string, drop []string) string {
	var out bytes.Buffer
	lines := splitLines(doc)
	inFence, dropping := false, false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "```") {
			inFence = !inFence
		}
		if !inFence && strings.HasPrefix(l, "## ") {
			dropping = false
			for _, d := range drop {
				if strings.HasPrefix(l[3:], d) {
					dropping = true
				}
			}
		}
		if dropping {
			continue
		}
		switch {
		case inFence || strings.HasPrefix(l, "```"):
			out.WriteString(l + "\n")
		case strings.HasPrefix(l, "# "):
			// the page title: the template's NAME says it
		case strings.HasPrefix(l, "## "):
			out.WriteString("# " + upper(links(l[3:])) + "\n")
		case strings.HasPrefix(l, "###"):
			out.WriteString(links(l) + "\n")
		case isRow(l) && i+1 < len(lines) && isRule(lines[i+1]):
			head := cells(l)
			i += 2
			for ; i < len(lines) && isRow(lines[i]); i++ {
				out.WriteString(item(head, cells(lines[i])))
			}
			i--
		default:
			out.WriteString(links(l) + "\n")
		}
	}
	return out.String()
}

func splitLines(s string) []string {
	var ls []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		ls = append(ls, sc.Text())
	}
	return ls
}

var ruleRE = regexp.MustCompile(`^\|(\s*:?-+:?\s*\|)+\s*$`)

func isRow(l string) bool  { return strings.HasPrefix(strings.TrimSpace(l), "|") }
func isRule(l string) bool { return ruleRE.MatchString(strings.TrimSpace(l)) }

// cells splits a table row on the "|" that are not escaped as "\|".
func cells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	row = strings.TrimSuffix(row, "|")
	var cs []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row) && row[i+1] == '|':
			cur.WriteByte('|')
			i++
		case row[i] == '|':
			cs = append(cs, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	return append(cs, strings.TrimSpace(cur.String()))
}

// item is one table row as a definition-list entry.
func item(head, row []string) string {
	if len(row) == 0 || row[0] == "" {
		return ""
	}
	var parts []string
	last := len(row) - 1
	for j := 1; j < last; j++ {
		if row[j] == "" {
			continue
		}
		label := ""
		if j < len(head) && head[j] != "" {
			label = head[j] + ": "
		}
		parts = append(parts, label+row[j])
	}
	text := strings.Join(parts, "; ")
	if last > 0 && row[last] != "" {
		if text != "" {
			text += ". "
		}
		text += row[last]
	}
	return links(row[0]) + "\n: " + links(text) + "\n\n"
}

var linkRE = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)

// links keeps web links and turns links to other files into their text,
// naming the manual page for cli.md and config.md.
func links(s string) string {
	return linkRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := linkRE.FindStringSubmatch(m)
		text, target := sub[1], sub[2]
		if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
			return m
		}
		file, _, _ := strings.Cut(target, "#")
		switch {
		case strings.HasSuffix(file, "cli.md"):
			return text + " (**hostp2pd**(8))"
		case strings.HasSuffix(file, "config.md"):
			return text + " (**hostp2pd.yaml**(5))"
		}
		return text
	})
}

// upper capitalises a heading outside its `code` spans.
func upper(s string) string {
	parts := strings.Split(s, "`")
	for i := 0; i < len(parts); i += 2 {
		parts[i] = strings.ToUpper(parts[i])
	}
	return strings.Join(parts, "`")
}

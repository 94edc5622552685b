// Command gocorpus prints, as JSON, the strings Go's standard library produces for the inputs kubeauth must
// answer like Go does: encoding/json syntax and type errors, strconv.Quote (%q), encoding/json string and number
// encoding, time.Time's String and GoString, time.Duration's String and time.ParseDuration.
// Standard library only, no module: `TZ=UTC go run main.go > corpus.json` (see `npm run gen:gocorpus`).
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// text is an input that may not be valid UTF-8: valid text is written as a JSON string ("s"), anything else as
// its bytes ("bytes"), since a JSON string cannot carry invalid UTF-8.
// Long repetitive input (deep nesting) is written as runs: the concatenation of each run's s repeated n times.
type text struct {
	S     *string `json:"s,omitempty"`
	Bytes []int   `json:"bytes,omitempty"`
	Runs  []run   `json:"runs,omitempty"`
}

type run struct {
	S string `json:"s"`
	N int    `json:"n"`
}

func mkText(b []byte) text {
	if utf8.Valid(b) {
		s := string(b)
		return text{S: &s}
	}
	out := make([]int, len(b))
	for i, c := range b {
		out[i] = int(c)
	}
	return text{Bytes: out}
}

type jsonCase struct {
	In text `json:"in"`
	// Syntax is the *json.SyntaxError text, "" when the input is valid JSON.
	Syntax string `json:"syntax"`
	// Map is json.Unmarshal(in, &map[string]interface{}{})'s error text, "" when it succeeds.
	Map string `json:"map"`
}

type quoteCase struct {
	In  text   `json:"in"`
	Out string `json:"out"`
}

type listCase struct {
	In  []string `json:"in"`
	Out string   `json:"out"`
}

type numberCase struct {
	In  float64 `json:"in"`
	Out string  `json:"out"`
}

type timeCase struct {
	Ms  int64  `json:"ms"`
	Out string `json:"out"`
}

type goStringCase struct {
	In  string `json:"in"`
	Out string `json:"out"`
}

type durationCase struct {
	Ns  int64  `json:"ns,string"` // a string: JSON numbers lose int64 precision in JavaScript
	Out string `json:"out"`
}

type parseDurationCase struct {
	In    string `json:"in"`
	Ns    int64  `json:"ns,string"`
	Error string `json:"error"`
}

type corpus struct {
	Note          string              `json:"note"`
	GoVersion     string              `json:"goVersion"`
	MaxDepth      int                 `json:"maxDepth"`
	JSON          []jsonCase          `json:"json"`
	Quote         []quoteCase         `json:"quote"`
	QuoteList     []listCase          `json:"quoteList"`
	JSONString    []quoteCase         `json:"jsonString"`
	JSONNumber    []numberCase        `json:"jsonNumber"`
	FormatFloat   []numberCase        `json:"formatFloat"`
	TimeString    []timeCase          `json:"timeString"`
	TimeGoString  []goStringCase      `json:"timeGoString"`
	Duration      []durationCase      `json:"duration"`
	ParseDuration []parseDurationCase `json:"parseDuration"`
}

type input struct {
	b    []byte
	runs []run
}

func runs(rs ...run) input {
	var b []byte
	for _, r := range rs {
		b = append(b, strings.Repeat(r.S, r.N)...)
	}
	return input{b: b, runs: rs}
}

func jsonInputs() []input {
	fixed := []string{
		"", " ", "\n\t\r ", "{}", "[]", "null", "true", "false", "0", "-0", "1.5e3", `"s"`, `{"a":1}`, `[1,"x",null]`,
		"{", "}", "[", "]", "{]", "[}", "{,}", "[,]",
		"t", "tr", "tru", "trux", "n", "nu", "nul", "nulx", "f", "fals", "falsy", "nil", "True",
		"-", "-x", "--1", "01", "1.", "1.x", "1.e3", "1e", "1e+", "1e-", "1ex", "1e+x", "+1", ".5", "0x10", "1 2",
		`"abc`, `"\`, `"\x"`, `"\u12`, `"\u12g4"`, `"\uD800"`, "\"a\x07b\"", "\"a\x1fb\"", "\"a\x7fb\"", "\"\xff\"",
		`{"a"`, `{"a" 1}`, `{"a":1`, `{"a":1 "b":2}`, `{1:2}`, `{"a":1,}`, `{"a":1,"b"}`, `{"a":}`, `{"a"::1}`,
		`[1,]`, `[1 2]`, `[1,,2]`, `[1`, `[1,`, `{"a":[1}`, `[{"a":1]`, `{} {}`, `[] x`, "{}\x00",
		"\x07", "\x00", "\x7f", "\xff", "\x80", "\xc3\xa9", "\xe2\x80\xa8", "'", `"`, `\`, "\x0b", "\x0c", "\x08",
		"\xad", "\xa0", "\xa1", "\xef\xbb\xbf{}", `{"a":` + "\xff}", "[\x07]", `{"a":1}` + "\x07",
		`{"a":{"b":[1,2,{"c":tru}]}}`, `{"a":"\q"}`, "{\"a\":\"\t\"}", `{'a':1}`, `[1e400]`, `{"a":NaN}`,
	}
	var out []input
	for _, s := range fixed {
		out = append(out, input{b: []byte(s)})
	}
	// Every byte in each of the scanner's contexts.
	for b := 0; b < 256; b++ {
		c := byte(b)
		for _, b := range [][]byte{
			{c},
			append([]byte(`{"a":`), c),
			append([]byte(`[1`), c),
			{'"', c, '"'},
			{'{', c},
			{'"', '\\', c, '"'},
		} {
			out = append(out, input{b: b})
		}
	}
	// Nesting: the limit itself passes, one more level fails, wherever the extra level opens.
	d := 10000
	out = append(out,
		runs(run{"[", d}, run{"]", d}),
		runs(run{"[", d + 1}, run{"]", d + 1}),
		runs(run{`{"a":`, d}, run{"1", 1}, run{"}", d}),
		runs(run{`{"a":`, d}, run{"{}", 1}, run{"}", d}),
		runs(run{"[", d}, run{"{}", 1}, run{"]", d}),
		runs(run{"[", d - 1}, run{"[1,[]]", 1}, run{"]", d - 1}),
		runs(run{"[", d}),
		runs(run{"[", d}, run{"x", 1}),
		runs(run{`{"a":[`, d / 2}, run{"]}", d / 2}),
		runs(run{`{"a":[`, d / 2}, run{"[", 1}),
	)
	return out
}

func quoteInputs() [][]byte {
	fixed := []string{
		"", "abc", `a"b`, `a\b`, "a'b", "\a\b\f\n\r\t\v", "\x00", "\x1f", "\x7f", "\u0080", "\u009f", "\u00a0",
		"\u00ad", "é", "\u2028", "\u2029", "\ufeff", "\u200b", "\U0001F600", "\U000E0001", "\U0010FFFF", "\uFFFD",
		"\uE000", "\u0378", "日本語", "system:serviceaccount:default:x", "\u3000", "\u1680", "\u0300", "a\u0301",
		"\xff", "a\xc3", "\xed\xa0\x80", "\xc0\x80", "\xf4\x90\x80\x80", "ok\x80ok",
	}
	var out [][]byte
	for _, s := range fixed {
		out = append(out, []byte(s))
	}
	for r := rune(0); r < 0x300; r++ {
		out = append(out, []byte(string(r)))
	}
	return out
}

func main() {
	c := corpus{
		Note:      "Generated by tools/gocorpus (npm run gen:gocorpus); do not edit.",
		GoVersion: strings.TrimPrefix(runtime.Version(), "go"),
		MaxDepth:  10000,
	}
	for _, inp := range jsonInputs() {
		in := inp.b
		jc := jsonCase{In: mkText(in)}
		if inp.runs != nil {
			jc.In = text{Runs: inp.runs}
		}
		var v map[string]interface{}
		if err := json.Unmarshal(in, &v); err != nil {
			jc.Map = err.Error()
			if se, ok := err.(*json.SyntaxError); ok {
				jc.Syntax = se.Error()
			}
		}
		c.JSON = append(c.JSON, jc)
	}
	for _, in := range quoteInputs() {
		c.Quote = append(c.Quote, quoteCase{In: mkText(in), Out: fmt.Sprintf("%q", string(in))})
		if utf8.Valid(in) {
			b, err := json.Marshal(string(in))
			if err != nil {
				panic(err)
			}
			c.JSONString = append(c.JSONString, quoteCase{In: mkText(in), Out: string(b)})
		}
	}
	for _, l := range [][]string{{}, {"a"}, {"a", "b"}, {"", "x y"}, {"api", "https://kubernetes.default.svc"}, {"a\"b", "\a"}} {
		c.QuoteList = append(c.QuoteList, listCase{In: l, Out: fmt.Sprintf("%q", l)})
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1, 1.5, 123456, 1234567, 1e6, 0.0001, 0.00001, 12345.678, 1e-5, 100000, 999999.5, -2.25, 123456789, 1e20, 1e21, 1.5e21, 1e-6, 1e-7, 1.234e-7, 0.1, 1.0 / 3,
		9007199254740993, 1700000000, 3600, 1e100, -1e-100, math.MaxFloat64, math.SmallestNonzeroFloat64} {
		b, err := json.Marshal(f)
		if err != nil {
			panic(err)
		}
		c.JSONNumber = append(c.JSONNumber, numberCase{In: f, Out: string(b)})
		// fmt's %v of a float64, which is strconv.FormatFloat(f, 'g', -1, 64) (and go-jose's JSON numbers).
		v := fmt.Sprint(f)
		if v != strconv.FormatFloat(f, 'g', -1, 64) {
			panic("%v differs from FormatFloat 'g': " + v)
		}
		c.FormatFloat = append(c.FormatFloat, numberCase{In: f, Out: v})
	}
	for _, ms := range []int64{0, 1, 10, 100, 120, 123, 1500, 999, 1704164645123, 1704164645000, 1704164645100, -1,
		-1000, -86400000, 253402300799999, 253402300800000, -62135596800000, -62135596800001, 1e15} {
		c.TimeString = append(c.TimeString, timeCase{Ms: ms, Out: time.UnixMilli(ms).UTC().String()})
	}
	for _, s := range []string{"", "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123Z", "2024-12-31T23:59:59+02:00",
		"1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "2024-02-29T12:00:00.5Z"} {
		var t time.Time
		if s != "" {
			p, err := time.Parse(time.RFC3339, s)
			if err != nil {
				panic(err)
			}
			// metav1.Time decodes into local time (the generator runs with TZ=UTC, as kube-apiserver's images do).
			t = p.Local()
		}
		c.TimeGoString = append(c.TimeGoString, goStringCase{In: s, Out: t.GoString()})
	}
	for _, ns := range []int64{0, 1, 999, 1000, 1001, 1500, 999999, 1000000, 1500000, 1234567, 999999999, 1e9, 1e9 + 1,
		1.5e9, 59e9, 60e9, 61e9, 90e9, 3599e9, 3600e9, 3601e9, 5400e9, 86400e9, 8760 * 3600e9, 31536000e9 + 5e8, -1, -1e9,
		-90e9, math.MaxInt64, math.MinInt64} {
		c.Duration = append(c.Duration, durationCase{Ns: ns, Out: time.Duration(ns).String()})
	}
	for _, s := range []string{"0", "1s", "1.5h", "1h30m", "90m", "500ms", "1us", "1µs", "1μs", "1ns", "-1s", "+5m",
		".5s", "1.s", "3600s", "8760h", "1h0m0s", "", "1", "x", "1x", "1s2", "s", "-", "1.2.3s", "2562047h47m16.854775807s",
		"2562047h47m16.854775808s", "9223372036854775807ns", "9223372036854775808ns", "00001s", "1e3s", " 1s", "1h 2m"} {
		pc := parseDurationCase{In: s}
		d, err := time.ParseDuration(s)
		if err != nil {
			pc.Error = err.Error()
		} else {
			pc.Ns = int64(d)
		}
		c.ParseDuration = append(c.ParseDuration, pc)
	}
	write(c)
}

// write prints the corpus with one case a line, so that a regeneration's diff names the cases that changed.
func write(c corpus) {
	b, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		panic(err)
	}
	keys := []string{"note", "goVersion", "maxDepth", "json", "quote", "quoteList", "jsonString", "jsonNumber", "formatFloat",
		"timeString", "timeGoString", "duration", "parseDuration"}
	out := []byte("{\n")
	for i, k := range keys {
		out = append(out, fmt.Sprintf("%q: ", k)...)
		var list []json.RawMessage
		if json.Unmarshal(top[k], &list) == nil {
			out = append(out, "[\n"...)
			for j, e := range list {
				out = append(out, "  "...)
				out = append(out, e...)
				if j < len(list)-1 {
					out = append(out, ',')
				}
				out = append(out, '\n')
			}
			out = append(out, ']')
		} else {
			out = append(out, top[k]...)
		}
		if i < len(keys)-1 {
			out = append(out, ',')
		}
		out = append(out, '\n')
	}
	out = append(out, "}\n"...)
	if _, err := os.Stdout.Write(out); err != nil {
		panic(err)
	}
}

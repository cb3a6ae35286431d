package web

import "strings"

// Why names a matching reason code.
func (p *page) Why(code string) string { return p.known("bank.why."+code, code) }

// BankStatus names a bank transaction's status.
func (p *page) BankStatus(s string) string { return p.known("bank.st."+s, s) }

// Whys names a comma-separated list of matching reason codes.
func (p *page) Whys(codes string) string {
	var out []string
	for _, c := range strings.Split(codes, ",") {
		if c != "" {
			out = append(out, p.Why(c))
		}
	}
	return strings.Join(out, ", ")
}

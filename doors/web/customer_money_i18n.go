package web

// UnappliedSource names where a payment on account came from.
func (p *page) UnappliedSource(source string) string { return p.known("cust.src."+source, source) }

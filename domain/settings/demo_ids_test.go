package settings_test

import (
	"testing"

	"github.com/relance/relance/domain/settings"
)

// TestDemoIdentifiersPassTheChecks: the demo company's SIRET and VAT
// number pass the checks a new company's go through (Luhn over the 14
// digits; VAT key = (12 + 3 × (SIREN mod 97)) mod 97), and the values it
// carried before (552 100 554 00025, FR 12 552100554) are refused with
// the reason: their check digits are wrong by these official rules.
func TestDemoIdentifiersPassTheChecks(t *testing.T) {
	t.Parallel()
	if err := settings.SIRET("552 100 554 00013"); err != nil {
		t.Errorf("demo SIRET refused: %v", err)
	}
	if err := settings.VAT("FR 96 552100554", "552 100 554 00013"); err != nil {
		t.Errorf("demo VAT number refused: %v", err)
	}
	if err := settings.SIRET("552 100 554 00025"); err == nil {
		t.Error("55210055400025 fails the Luhn check (sum 34) but was accepted")
	}
	if err := settings.VAT("FR 12 552100554", ""); err == nil {
		t.Error("FR 12 552100554 has the wrong key (96 for this SIREN) but was accepted")
	}
}

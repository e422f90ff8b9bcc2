package francevae

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

func line(title result.TitleOutcome, decisions ...result.CcpDecision) result.Line {
	return result.Line{CandidacyID: "cy-1", CandidateID: "c-1", TitleOutcome: title, Decisions: decisions}
}

var (
	ok1 = result.CcpDecision{CcpCode: "CCP1", Outcome: result.Obtained}
	ok2 = result.CcpDecision{CcpCode: "CCP2", Outcome: result.Obtained}
	ko2 = result.CcpDecision{CcpCode: "CCP2", Outcome: result.NotObtained}
	ko1 = result.CcpDecision{CcpCode: "CCP1", Outcome: result.NotObtained}
)

func TestMapEveryTitreproOutcomeToOneCode(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      Outcome
		code    Code
		comment string
	}{
		{"absent gives CANDIDAT_ABSENT", Outcome{Line: line(result.TitleAbsent)}, CandidateAbsent, ""},
		{"absent on a partial target gives CANDIDAT_ABSENT", Outcome{Line: line(result.TitleAbsent), PartialTarget: true}, CandidateAbsent, ""},
		{"failed gives ECHEC with the CCPs not obtained", Outcome{Line: line(result.TitleFailed, ko1, ko2)}, Failure, "CCP non obtenus : CCP1, CCP2"},
		{"failed on a partial target gives ECHEC", Outcome{Line: line(result.TitleFailed, ko1), PartialTarget: true}, Failure, "CCP non obtenus : CCP1"},
		{"awarded gives full success of the full certification", Outcome{Line: line(result.TitleAwarded, ok1, ok2)}, FullSuccessFullTarget, "CCP obtenus : CCP1, CCP2"},
		{"awarded by capitalisation with no decision in the session", Outcome{Line: line(result.TitleAwarded)}, FullSuccessFullTarget, ""},
		{"awarded on a partial target is still the whole certification", Outcome{Line: line(result.TitleAwarded, ok1), PartialTarget: true}, FullSuccessFullTarget, "CCP obtenus : CCP1"},
		{"partial on a full target gives partial success of the full certification", Outcome{Line: line(result.TitlePartial, ok1, ko2)}, PartialSuccessFullTarget, "CCP obtenus : CCP1 ; CCP non obtenus : CCP2"},
		{"partial on a full target with every CCP of the session obtained", Outcome{Line: line(result.TitlePartial, ok1, ok2)}, PartialSuccessFullTarget, "CCP obtenus : CCP1, CCP2"},
		{"partial target with every targeted CCP obtained gives full success of the partial certification", Outcome{Line: line(result.TitlePartial, ok1, ok2), PartialTarget: true}, FullSuccessPartialTarget, "CCP obtenus : CCP1, CCP2"},
		{"partial target with some targeted CCPs obtained gives partial success of the partial certification", Outcome{Line: line(result.TitlePartial, ok1, ko2), PartialTarget: true}, PartialSuccessPartialTarget, "CCP obtenus : CCP1 ; CCP non obtenus : CCP2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Map(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Code != tc.code || got.Comment != tc.comment {
				t.Fatalf("got %q %q, want %q %q", got.Code, got.Comment, tc.code, tc.comment)
			}
			if !got.Code.Valid() {
				t.Fatalf("%q is not one of the eight codes", got.Code)
			}
		})
	}
}

func TestMapRefusesImpossibleCombinations(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Outcome
	}{
		{"absent with a CCP obtained", Outcome{Line: line(result.TitleAbsent, ok1)}},
		{"failed with a CCP obtained", Outcome{Line: line(result.TitleFailed, ok1, ko2)}},
		{"awarded with a CCP not obtained", Outcome{Line: line(result.TitleAwarded, ok1, ko2)}},
		{"partial with no CCP obtained", Outcome{Line: line(result.TitlePartial, ko1, ko2), PartialTarget: true}},
		{"partial with no decision", Outcome{Line: line(result.TitlePartial)}},
		{"unknown title outcome", Outcome{Line: line("WITHDRAWN", ok1)}},
		{"empty title outcome", Outcome{Line: line("")}},
		{"unknown CCP outcome", Outcome{Line: line(result.TitlePartial, ok1, result.CcpDecision{CcpCode: "CCP2", Outcome: "MAYBE"})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Map(tc.in)
			if !errors.Is(err, ErrImpossible) {
				t.Fatalf("got %+v, %v; want ErrImpossible", got, err)
			}
		})
	}
}

func TestCodesAreTheEightOfFranceVAE(t *testing.T) {
	if len(Codes) != 8 {
		t.Fatalf("%d codes", len(Codes))
	}
	seen := map[Code]bool{}
	for _, c := range Codes {
		if seen[c] || !c.Valid() {
			t.Fatalf("code %q repeated or invalid", c)
		}
		seen[c] = true
	}
	if Code("AWAITING_RESULT").Valid() {
		t.Fatal("AWAITING_RESULT is not an interop code")
	}
}

package web

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

func TestCandidacyChangesFR(t *testing.T) {
	t.Parallel()
	at := timestamppb.New(time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC))
	withdrawn, adj := candidacyChangesFR(&assessmentv1.Candidacy{
		Withdrawal: &assessmentv1.Withdrawal{ByCandidate: true, WithdrawTime: at, Reason: "Raisons de santé."},
		Adjustments: []*assessmentv1.Adjustment{{Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE,
			ExtraMinutes: 60, AuthorisationReference: "MDPH-69-42", AuthorisationDate: "2026-04-20", Exceptional: true}},
	})
	if !strings.HasPrefix(withdrawn, "Retirée par le candidat le 4 mai 2026") || !strings.HasSuffix(withdrawn, " : Raisons de santé.") {
		t.Errorf("withdrawn = %q", withdrawn)
	}
	if len(adj) != 1 || !strings.Contains(adj[0], "Mise en situation professionnelle : 60 min de temps supplémentaire") ||
		!strings.Contains(adj[0], "MDPH-69-42 du 20 avril 2026") || !strings.Contains(adj[0], "à titre exceptionnel") {
		t.Errorf("adjustments = %q", adj)
	}
	withdrawn, _ = candidacyChangesFR(&assessmentv1.Candidacy{Withdrawal: &assessmentv1.Withdrawal{WithdrawTime: at,
		TransferredTo: &assessmentv1.CandidacyRef{SessionId: "s2", CandidacyId: "c2"}}})
	if !strings.HasPrefix(withdrawn, "Transférée vers une autre session le 4 mai 2026") {
		t.Errorf("transferred = %q", withdrawn)
	}
	if w, a := candidacyChangesFR(&assessmentv1.Candidacy{}); w != "" || a != nil {
		t.Errorf("nothing happened: %q %q", w, a)
	}
}

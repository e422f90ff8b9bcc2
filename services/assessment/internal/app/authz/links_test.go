package authz_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

func TestCanDeclareLinks(t *testing.T) {
	t.Parallel()
	s, _ := fixture(t)
	tests := []struct {
		name  string
		p     auth.Principal
		juror string
		want  error
	}{
		{"R21: the juror declares their own links", jurorAssigned, "j1", nil},
		{"R21: a recused juror still declares their own links", jurorConflicted, "j3", nil},
		{"R21: another juror cannot declare for them", jurorAssigned, "j2", authz.ErrNotOwnLinks},
		{"R21: the organising centre cannot declare for them", centreOwn, "j1", authz.ErrDenied},
		{"another centre gets the answer of an unknown session", centreOther, "j1", authz.ErrDenied},
		{"the ministry reads the links but declares none", ministry, "j1", authz.ErrDenied},
		{"admin declares none", admin, "j1", authz.ErrDenied},
		{"a candidate declares none", candidateOwn, "j1", authz.ErrDenied},
		{"a juror of another session is told they are not on the jury", jurorUnassigned, "j9", session.ErrJurorNotAssigned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := authz.CanDeclareLinks(tt.p, s, tt.juror)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("CanDeclareLinks() = %v; want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("CanDeclareLinks() = %v; want %v", err, tt.want)
			}
		})
	}
}

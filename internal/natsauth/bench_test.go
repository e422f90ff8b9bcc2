package natsauth_test

import (
	"testing"

	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natsauth"
	"github.com/titrepro/titrepro/internal/natstest"
)

// BenchmarkPublish compares an acknowledged JetStream publish by a service
// identity (its permissions checked) with the same by the admin (none).
func BenchmarkPublish(b *testing.B) {
	for _, identity := range []string{natsauth.Admin, "candidate"} {
		b.Run(identity, func(b *testing.B) {
			s := natstest.RunJetStream(b)
			_, js := natstest.ConnectAs(b, s, identity)
			if err := eventbus.EnsureStream(b.Context(), js, eventbus.ContextStream("candidate")); err != nil {
				b.Fatal(err)
			}
			payload := make([]byte, 512)
			for b.Loop() {
				if _, err := js.Publish(b.Context(), "titrepro.candidate.v1.candidate_registered", payload); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

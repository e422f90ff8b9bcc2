package grpcx_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/prototext"
	"google.golang.org/protobuf/proto"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/grpcx"
)

const testDomain = "candidate.titrepro"

// errorInfo returns the ErrorInfo detail of st, or nil.
func errorInfo(st *status.Status) *errdetails.ErrorInfo {
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok {
			return ei
		}
	}
	return nil
}

func detailOf[T proto.Message](st *status.Status) (T, bool) {
	for _, d := range st.Details() {
		if v, ok := d.(T); ok {
			return v, true
		}
	}
	var zero T
	return zero, false
}

// detailsText renders every detail, to check that no cause leaks into them.
func detailsText(st *status.Status) string {
	text := ""
	for _, d := range st.Details() {
		if m, ok := d.(proto.Message); ok {
			text += prototext.Format(m)
		}
	}
	return text
}

func TestToStatusMapsEachKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind apperr.Kind
		code codes.Code
	}{
		{apperr.KindInvalidArgument, codes.InvalidArgument},
		{apperr.KindFailedPrecondition, codes.FailedPrecondition},
		{apperr.KindNotFound, codes.NotFound},
		{apperr.KindAlreadyExists, codes.AlreadyExists},
		{apperr.KindAborted, codes.Aborted},
		{apperr.KindPermissionDenied, codes.PermissionDenied},
		{apperr.KindUnauthenticated, codes.Unauthenticated},
		{apperr.KindUnavailable, codes.Unavailable},
		{apperr.KindResourceExhausted, codes.ResourceExhausted},
		{apperr.KindDataLoss, codes.DataLoss},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			t.Parallel()
			err := apperr.New(tt.kind, "SOME_REASON", "client-safe text").
				WithMeta("candidate", "candidates/1").
				WithCause(errors.New("secret cause"))
			st := grpcx.ToStatus(testDomain, fmt.Errorf("handler: %w", err))
			require.Equal(t, tt.code, st.Code())
			require.Equal(t, "client-safe text", st.Message())
			ei := errorInfo(st)
			require.NotNil(t, ei)
			require.Equal(t, "SOME_REASON", ei.GetReason())
			require.Equal(t, testDomain, ei.GetDomain())
			require.Equal(t, map[string]string{"candidate": "candidates/1"}, ei.GetMetadata())
			require.NotContains(t, detailsText(st), "secret cause")
			_, hasBR := detailOf[*errdetails.BadRequest](st)
			_, hasPF := detailOf[*errdetails.PreconditionFailure](st)
			require.False(t, hasBR)
			require.False(t, hasPF)
		})
	}
}

func TestToStatusDetails(t *testing.T) {
	t.Parallel()
	t.Run("violations become BadRequest", func(t *testing.T) {
		t.Parallel()
		st := grpcx.ToStatus(testDomain, apperr.Invalid(
			apperr.FieldViolation{Field: "email", Description: "not an email address"},
			apperr.FieldViolation{Field: "birth_place.country", Description: "required"},
		))
		require.Equal(t, codes.InvalidArgument, st.Code())
		br, ok := detailOf[*errdetails.BadRequest](st)
		require.True(t, ok)
		require.Len(t, br.GetFieldViolations(), 2)
		require.Equal(t, "birth_place.country", br.GetFieldViolations()[1].GetField())
		require.Equal(t, "required", br.GetFieldViolations()[1].GetDescription())
	})
	t.Run("rule becomes PreconditionFailure and metadata", func(t *testing.T) {
		t.Parallel()
		st := grpcx.ToStatus(testDomain, apperr.New(apperr.KindFailedPrecondition, "ATTEMPT_SUBMITTED", "attempt already submitted").WithRule("R25"))
		require.Equal(t, codes.FailedPrecondition, st.Code())
		require.Equal(t, map[string]string{"rule": "R25"}, errorInfo(st).GetMetadata())
		pf, ok := detailOf[*errdetails.PreconditionFailure](st)
		require.True(t, ok)
		require.Len(t, pf.GetViolations(), 1)
		v := pf.GetViolations()[0]
		require.Equal(t, "RULE", v.GetType())
		require.Equal(t, "R25", v.GetSubject())
		require.Equal(t, "attempt already submitted", v.GetDescription())
	})
}

func TestToStatusOtherErrors(t *testing.T) {
	t.Parallel()
	peer := status.New(codes.NotFound, "peer says no")
	tests := []struct {
		name     string
		err      error
		code     codes.Code
		message  string
		internal bool
	}{
		{"nil", nil, codes.OK, "", false},
		{"canceled, wrapped", fmt.Errorf("query candidates: %w", context.Canceled), codes.Canceled, context.Canceled.Error(), false},
		{"deadline, wrapped", fmt.Errorf("query candidates: %w", context.DeadlineExceeded), codes.DeadlineExceeded, context.DeadlineExceeded.Error(), false},
		{"status passes through", peer.Err(), codes.NotFound, "peer says no", false},
		{"plain error hides its text", errors.New("pq: relation secret_table does not exist"), codes.Internal, "internal error", true},
		{"internal kind hides its message", apperr.New(apperr.KindInternal, "BUG", "secret invariant broken"), codes.Internal, "internal error", true},
		{"unknown kind", apperr.New(apperr.Kind(200), "ODD", "secret odd"), codes.Internal, "internal error", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := grpcx.ToStatus(testDomain, tt.err)
			require.Equal(t, tt.code, st.Code())
			require.Equal(t, tt.message, st.Message())
			if tt.internal {
				require.NotContains(t, detailsText(st), "secret")
				require.Equal(t, "INTERNAL", errorInfo(st).GetReason())
			}
		})
	}
	require.True(t, proto.Equal(peer.Proto(), grpcx.ToStatus(testDomain, peer.Err()).Proto()))
}

func TestFromStatusRoundTrip(t *testing.T) {
	t.Parallel()
	errCandidateNotFound := apperr.New(apperr.KindNotFound, "CANDIDATE_NOT_FOUND", "candidate not found")
	tests := []*apperr.Error{
		errCandidateNotFound.WithMeta("candidate", "candidates/7"),
		apperr.New(apperr.KindFailedPrecondition, "ATTEMPT_SUBMITTED", "attempt already submitted").WithRule("R25").WithMeta("attempt", "a1"),
		apperr.Invalid(apperr.FieldViolation{Field: "email", Description: "not an email address"}),
		apperr.New(apperr.KindAborted, "VERSION_MISMATCH", "retry"),
		apperr.New(apperr.KindUnavailable, "DB_DOWN", "try later"),
		apperr.New(apperr.KindPermissionDenied, "NOT_ASSIGNED", "not your session"),
		apperr.New(apperr.KindResourceExhausted, "TOO_BIG", "file too large"),
		apperr.New(apperr.KindAlreadyExists, "DUPLICATE", "exists"),
		apperr.New(apperr.KindUnauthenticated, "TOKEN_EXPIRED", "expired"),
	}
	for _, want := range tests {
		t.Run(want.Reason, func(t *testing.T) {
			t.Parallel()
			err := grpcx.FromStatus(grpcx.ToStatus(testDomain, want).Err())
			var got *apperr.Error
			require.ErrorAs(t, err, &got)
			require.Equal(t, want.Kind, got.Kind)
			require.Equal(t, want.Reason, got.Reason)
			require.Equal(t, want.Message, got.Message)
			require.Equal(t, want.Rule, got.Rule)
			require.Equal(t, want.Meta, got.Meta)
			require.Equal(t, want.Violations, got.Violations)
			require.ErrorIs(t, err, want) // errors.Is matches on Reason
			require.Error(t, got.Err, "the status is kept as the cause")
		})
	}
}

func TestFromStatusWithoutDetails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		kind   apperr.Kind
		reason string
		is     error
	}{
		{"unavailable", status.Error(codes.Unavailable, "connection refused"), apperr.KindUnavailable, "UNAVAILABLE", nil},
		{"deadline", status.Error(codes.DeadlineExceeded, "too slow"), apperr.KindUnavailable, "DEADLINE_EXCEEDED", context.DeadlineExceeded},
		{"canceled", status.Error(codes.Canceled, "gone"), apperr.KindUnavailable, "CANCELED", context.Canceled},
		{"unimplemented", status.Error(codes.Unimplemented, "no such method"), apperr.KindInternal, "UNIMPLEMENTED", nil},
		{"out of range", status.Error(codes.OutOfRange, "page"), apperr.KindInvalidArgument, "OUT_OF_RANGE", nil},
		{"data loss", status.Error(codes.DataLoss, "damaged"), apperr.KindDataLoss, "DATA_LOSS", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := grpcx.FromStatus(tt.err)
			var got *apperr.Error
			require.ErrorAs(t, err, &got)
			require.Equal(t, tt.kind, got.Kind)
			require.Equal(t, tt.reason, got.Reason)
			if tt.is != nil {
				require.ErrorIs(t, err, tt.is)
			}
		})
	}
	plain := errors.New("not a status")
	require.Same(t, plain, grpcx.FromStatus(plain))
	require.NoError(t, grpcx.FromStatus(nil))
}

package eventbus_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/eventbus"
)

func TestSubjectAndTypeFollowTheProtoName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		event   proto.Message
		subject string
		typ     string
		context string
	}{
		{&timestamppb.Timestamp{}, "google.protobuf.timestamp", "google.protobuf.Timestamp", "protobuf"},
		{&structpb.ListValue{}, "google.protobuf.list_value", "google.protobuf.ListValue", "protobuf"},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.subject, eventbus.SubjectOf(tt.event))
			require.Equal(t, tt.typ, eventbus.TypeOf(tt.event))
			require.Equal(t, tt.context, eventbus.ContextOf(tt.event))
		})
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	data, err := proto.Marshal(timestamppb.New(timestamppb.Now().AsTime()))
	require.NoError(t, err)

	var got timestamppb.Timestamp
	require.NoError(t, eventbus.Decode(eventbus.Message{Type: "google.protobuf.Timestamp", Data: data}, &got))
	require.NotZero(t, got.GetSeconds())

	err = eventbus.Decode(eventbus.Message{Type: "google.protobuf.ListValue", Data: data}, &got)
	require.ErrorIs(t, err, eventbus.ErrUnexpectedEvent, "another type")
	require.Equal(t, apperr.KindInvalidArgument, apperr.KindOf(err), "terminated, never retried")

	err = eventbus.Decode(eventbus.Message{Type: "google.protobuf.Timestamp", Data: []byte{0xff, 0xff}}, &got)
	require.ErrorIs(t, err, eventbus.ErrUnexpectedEvent, "payload that does not decode")
}

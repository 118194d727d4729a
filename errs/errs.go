// Package errs is routewatch's one error vocabulary: a few kinds that every layer uses and
// that the API maps to HTTP status codes in one place. It imports only the standard library.
package errs

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the caller.
type Kind int

// The kinds. Internal is the zero value: anything unclassified is the server's fault.
const (
	Internal         Kind = iota // a bug or an unexpected failure; details go to the log only
	Invalid                      // the caller sent something wrong (HTTP 400)
	NotFound                     // no such object, or one the caller may not see (404)
	Forbidden                    // authenticated but not allowed (403)
	Unavailable                  // a dependency is down; try again later (503)
	TooLarge                     // a request body or result over its limit (413)
	Unprocessable                // well-formed but refused as a whole, e.g. a strict ingest (422)
	Unauthenticated              // no valid key or session (401)
	RateLimited                  // over the caller's request rate; retry later (429)
	QueueFull                    // the caller already has too many requests waiting (429)
	MethodNotAllowed             // the resource exists but not with this method (405)
	UnsupportedMedia             // a request body of a media type the endpoint does not take (415)
	ClientClosed                 // the caller went away before the answer (499, logged only)
)

// Error is an error with a kind, an optional parameter or field it is about, and a message
// safe to show to the caller.
type Error struct {
	Kind    Kind
	Param   string // the query parameter, field or object the error is about; may be empty
	Message string // shown to the caller for every kind but Internal
	Details any    // optional structured details shown to the caller
	Err     error  // the cause, for logs
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Param != "" {
		msg = e.Param + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// E makes an error of kind k about param with a formatted message.
func E(k Kind, param, format string, args ...any) *Error {
	return &Error{Kind: k, Param: param, Message: fmt.Sprintf(format, args...)}
}

// Wrap makes an error of kind k whose cause is err; the message is shown to callers.
func Wrap(k Kind, err error, message string) *Error {
	return &Error{Kind: k, Message: message, Err: err}
}

// KindOf returns the kind of the first *Error in err's chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

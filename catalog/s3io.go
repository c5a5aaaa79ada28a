package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/apache/iceberg-go/catalog/rest"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/io/gocloud/blobfs"
	s3io "github.com/apache/iceberg-go/io/gocloud/s3"
	"github.com/apache/iceberg-go/utils"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"gocloud.dev/gcerrors"
)

// How lakegate talks to object storage through iceberg-go's FileIO.
//
// iceberg-go's S3 FileIO keeps the context it was made with and uses it for
// every request, and a table keeps its FileIO (or, with vended credentials,
// the refresher that makes it) for as long as the table is cached: the
// context of whichever statement first loaded the table would end every
// later read once that statement finished. So the FileIOs are made with a
// context that is never cancelled (ioContext), and the one place that
// streams large objects, the fetch of data and delete files into the file
// cache, reads through the bucket with the statement's own context
// (openObject): a cancelled statement stops its downloads.
//
// All FileIOs of a source share one HTTP client (s3HTTPClient): iceberg-go
// makes a new FileIO, and in it a new S3 client, each time a table's
// storage is asked for (for a REST table: every scan plan and every fetch
// batch), and under a defaults mode (AWS_DEFAULTS_MODE, or defaults_mode
// in a shared profile) the AWS SDK gives every S3 client made from a
// buildable HTTP client a copy of its transport. Each FileIO then dialled
// its own connections, which nothing used after it and which stayed open
// until the idle timeout; with one client, a statement's GETs reuse the
// connections of the statements before it, whatever the mode.
//
// Requests the store answers with 503 / SlowDown (or 500, a throttling
// code, a reset connection) are retried by the AWS SDK: s3MaxAttempts
// attempts in all, waiting a random time up to a cap that doubles from 1 s
// to s3MaxBackoff, without the SDK's retry quota (a busy store answering
// many requests with 503 at once must not turn later ones into immediate
// failures). Past the last attempt the read fails (ErrStorage: 58030).

const (
	s3MaxAttempts = 6
	s3MaxBackoff  = 2 * time.Second
)

// s3Config is a source's AWS configuration for its FileIOs, made once.
type s3Config struct {
	once sync.Once
	cfg  *aws.Config
}

// ioContext is the context a source's FileIOs are made with: never
// cancelled (see above), carrying the AWS configuration with lakegate's
// retry policy. The keys in the table's properties (the catalog's, or
// vended by a REST catalog) still override the configuration's.
func (s *source) ioContext(ctx context.Context) context.Context {
	ctx = context.WithoutCancel(ctx)
	s.s3.once.Do(func() {
		cfg, err := s3io.ParseAWSConfig(ctx, s.cfg.Properties)
		if err != nil {
			// iceberg-go reports the same error when it makes the FileIO.
			return
		}
		cfg.HTTPClient = s3HTTPClient(cfg.HTTPClient)
		cfg.Retryer = func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = s3MaxAttempts
				o.MaxBackoff = s3MaxBackoff
				o.RateLimiter = ratelimit.None
			})
		}
		s.s3.cfg = cfg
	})
	if s.s3.cfg == nil {
		return ctx
	}
	return utils.WithAwsConfig(ctx, s.s3.cfg)
}

// s3IdleConns is how many idle connections to the store a source keeps:
// more than the downloads of a few statements at once
// (DefaultFetchParallelism each), so that the next ones find them open.
const s3IdleConns = 256

// s3HTTPClient is the HTTP client of all a source's FileIOs, made from the
// one its AWS configuration names (a proxy or a connect timeout in the
// catalog's properties), or from the SDK's default. It is frozen: an S3
// client uses a frozen client as it is, where under a defaults mode it
// would copy a buildable one's transport to apply the mode's dial and TLS
// timeouts (see above); the SDK sets no read timeout for S3.
func s3HTTPClient(c aws.HTTPClient) aws.HTTPClient {
	b, ok := c.(*awshttp.BuildableClient)
	if c != nil && !ok {
		return c // the caller's own client: used as it is already
	}
	if b == nil {
		b = awshttp.NewBuildableClient()
	}
	return b.WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConns = max(t.MaxIdleConns, s3IdleConns)
		t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, s3IdleConns)
	}).Freeze()
}

// ioFunc wraps a table's FileIO maker so that every FileIO it makes uses
// ioContext.
func (s *source) ioFunc(inner func(context.Context) (icebergio.IO, error)) func(context.Context) (icebergio.IO, error) {
	return func(ctx context.Context) (icebergio.IO, error) { return inner(s.ioContext(ctx)) }
}

// openObject opens the object at loc for reading under ctx: through the
// bucket when fsys is an object store, so that cancelling ctx ends the
// download; through fsys.Open otherwise.
func openObject(ctx context.Context, fsys icebergio.IO, loc string) (io.ReadCloser, error) {
	b, ok := fsys.(*blobfs.FileIO)
	if !ok {
		return fsys.Open(loc)
	}
	u, err := url.Parse(loc)
	if err != nil || u.Host == "" {
		return fsys.Open(loc)
	}
	r, err := b.NewReader(ctx, strings.TrimPrefix(u.Path, "/"), nil)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, &iofs.PathError{Op: "open", Path: loc, Err: fmt.Errorf("%w: %w", iofs.ErrNotExist, err)}
		}
		return nil, err
	}
	return r, nil
}

// ErrAccessDenied marks a request the catalog service or the store refused
// for lakegate's credentials (HTTP 401/403: wrong or expired keys, a
// policy that does not grant them the table). It is wrapped with
// ErrUpstream (the catalog) or ErrStorage (a table's file).
var ErrAccessDenied = errors.New("access denied")

// ErrNoCredentials marks a read of object storage lakegate could not sign:
// it has no credentials for the store (none in the catalog's properties,
// none in the AWS environment or a shared profile, none vended by the REST
// catalog). It is wrapped with ErrStorage.
var ErrNoCredentials = errors.New("no credentials for object storage")

// noCredentialsHint says where credentials come from.
const noCredentialsHint = "lakegate has no credentials for the store: set s3.access-key-id and s3.secret-access-key " +
	"in the catalog's properties, provide them through the AWS environment or a shared profile, " +
	"or let the REST catalog vend them (vended_credentials)"

// noCredentials reports an error of the AWS SDK finding no credentials to
// sign a request with (its default chain ran out, the EC2 metadata
// service being disabled). The SDK has no type for it: its S3 client says
// "get identity: get credentials: ..." (older signing middleware: "failed
// to retrieve credentials: ...").
func noCredentials(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "get identity: get credentials: ") || strings.Contains(msg, "failed to retrieve credentials: ")
}

// noCredentialsError is the error of a read of loc that had no
// credentials; the SDK's own text (the chain it tried) is left out.
func noCredentialsError(loc string) error {
	return fmt.Errorf("%w: read %s: %w: %s", ErrStorage, loc, ErrNoCredentials, noCredentialsHint)
}

// upstream wraps a failure of the catalog service: ErrUpstream, and
// ErrAccessDenied when the service refused lakegate's credentials.
func upstream(err error) error {
	if errors.Is(err, rest.ErrForbidden) || errors.Is(err, rest.ErrUnauthorized) {
		return fmt.Errorf("the catalog refused lakegate's credentials: %w: %w: %w", ErrAccessDenied, ErrUpstream, err)
	}
	return fmt.Errorf("%w: %w", ErrUpstream, err)
}

// refused reports an error that is the store's or the catalog's refusal of
// lakegate's credentials.
func refused(err error) bool {
	if err == nil {
		return false
	}
	if gcerrors.Code(err) == gcerrors.PermissionDenied {
		return true
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden", "ExpiredToken", "InvalidToken":
			return true
		}
	}
	return false
}

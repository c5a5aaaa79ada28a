package catalog

import (
	"strings"

	"github.com/apache/iceberg-go/catalog/rest"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// sigV4Options signs REST catalog requests with AWS SigV4 when the
// catalog's properties ask for it (rest.sigv4-enabled, with
// rest.signing-region and rest.signing-name: "s3tables" for AWS S3 Tables
// and SeaweedFS, "glue" for Glue's endpoint). The keys are the catalog's
// s3.access-key-id / s3.secret-access-key (and s3.session-token) when set,
// else the AWS SDK's default chain (environment, shared profile); set
// AWS_EC2_METADATA_DISABLED=true where no instance metadata service should
// be asked. The keys are never logged or shown: they sign requests only.
func sigV4Options(props map[string]string) []rest.Option {
	if !strings.EqualFold(props["rest.sigv4-enabled"], "true") {
		return nil
	}
	region := props["rest.signing-region"]
	if region == "" {
		region = props["s3.region"]
	}
	if region == "" {
		region = "us-east-1"
	}
	opts := []rest.Option{rest.WithSigV4RegionSvc(region, props["rest.signing-name"])}
	if id, secret := props["s3.access-key-id"], props["s3.secret-access-key"]; id != "" && secret != "" {
		opts = append(opts, rest.WithAwsConfig(aws.Config{
			Region:      region,
			Credentials: credentials.NewStaticCredentialsProvider(id, secret, props["s3.session-token"]),
		}))
	}
	return opts
}

namespace GatewayCtl;

internal static class HelpText
{
    public const string Text = """
        gatewayctl: admin client for the S3 gateway's /_gateway API (usage, incomplete uploads, clock, metrics, access decisions, faults)

        usage: gatewayctl [global options] <command> [command options]

        global options (anywhere on the line):
          --endpoint URL      gateway address (env GATEWAY_ENDPOINT, default http://localhost:9000)
          --access-key K      access key (env AWS_ACCESS_KEY_ID, default test)
          --secret-key S      secret key (env AWS_SECRET_ACCESS_KEY, default test)
          --region R          signing region (env AWS_DEFAULT_REGION, default us-east-1)
          --json              print the server's JSON (pretty-printed) instead of a table
          --help, -h          this text

        commands:
          usage [--bucket B] [--account A] [--period YYYY-MM]
              storage, incomplete uploads, traffic and estimated cost per bucket for a month
              (default: the current month), with a TOTAL row
          uploads [--bucket B] [--account A] [--older-than DURATION] [--sort initiated|age|bytes|cost]
                  [--limit N] [--all]
              incomplete multipart uploads, oldest first (bytes/cost: largest first); --limit is the page
              size, --all follows every page
          abort-stale --older-than DURATION [--bucket B] [--account A] [--dry-run]
              abort every incomplete upload older than DURATION; --dry-run only lists what would go
          clock
              the gateway's clock mode (system or virtual) and its current time
          clock advance --seconds N | --hours N | --days N
              move a virtual clock forward and run lifecycle rules (admin credentials only)
          metrics
              the Prometheus metrics text
          access --bucket B --action s3:ACTION [--key K] [--principal ACCESSKEY|anonymous] [--source-ip IP] [--secure]
              how the bucket's policy, ACLs and public access block decide that request, and which
              statement or rule did (the bucket's owner or an admin)
          faults add --type TYPE [match] [firing] [fault fields]   |   faults add --file RULES.json
              add a fault rule (admin credentials only). match: --front-end s3|box|veza|kodexa|twelvelabs
              --operation NAME --bucket B --key K|PREFIX* --part-number N --account KEY --method M;
              firing: --after N --times N --probability P --seed N; TYPE and its fields: error (--status
              --code [--message] [--retry-after S]), error-after-200 ([--code] [--message]), latency (--ms),
              slow-body (--bytes-per-second), reset (--after-bytes), timeout
          checksum FILE --algorithm NAME
              the file's checksum as the gateway computes it (CRC32, CRC32C, CRC64NVME, SHA1, SHA256, MD5, SHA512,
              XXHASH64, XXHASH3, XXHASH128), printed as the header that carries it
          check [--data-dir DIR [--repair]]
              the integrity check: SQLite's integrity_check, the meter against a recount of the rows, segment
              files against the rows (missing, orphan). Without --data-dir, of the running gateway (admin
              credentials); with it, of a stopped gateway's folder, read here; --repair then removes what the
              start-up sweep removes (orphan segments, temp files) and says what
          reset [--account KEY]
              empty storage (every bucket, object, version, upload and usage row; or one account's) and create
              Gateway:InitialBuckets again (admin credentials only)
          requests [--bucket B] [--account A] [--front-end F] [--operation OP] [--status CODE | --errors] [--limit N]
                   [--before SEQUENCE]
              the last requests the gateway answered, newest first (an admin sees every account's, any other
              account its own): operation, bucket, key, status, error code, bytes and duration; --before takes
              a page's nextBefore (with --json) for the older page
          faults [list] | faults history | faults clear
              the rules with how often each matched and fired, the faults that fired, or remove them all

        DURATION is 90s, 15m, 36h, 7d, 2w or a plain number of seconds.
        Requests are signed with AWS Signature Version 4 (service s3), like any S3 client.

        exit status: 0 success, 1 the server refused (its error code and message go to stderr),
                     2 the gateway could not be reached, 3 check found an inconsistency, 64 bad arguments
        """;
}

#!/usr/bin/env python3
"""A loopback stand-in for STS and EC2 that answers every call after a fixed delay, as a far
region does: GetSessionToken, DescribeRegions (N regions) and DescribeInstances (one instance).
For bench/regions.sh only.

    python3 bench/fake_aws.py PORT DELAY_SECONDS REGIONS
    python3 bench/fake_aws.py --regions N        # just the names of the first N regions
"""
import datetime, re, sys, time, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

if sys.argv[1] == "--regions":
    port, delay, count = 0, 0.0, int(sys.argv[2])
else:
    port, delay, count = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1",
           "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
           "ap-southeast-2", "ca-central-1", "sa-east-1"][:count]
EC2 = "http://ec2.amazonaws.com/doc/2016-11-15/"

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        action = urllib.parse.parse_qs(body).get("Action", ["?"])[0]
        region = (re.search(r"Credential=[^/]+/\d+/([^/]+)/", self.headers.get("Authorization", "")) or [None, "?"])[1]
        time.sleep(delay)
        if action == "GetSessionToken":
            expires = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
            xml = ('<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetSessionTokenResult><Credentials>'
                   '<AccessKeyId>ASIAFAKEBENCH0000001</AccessKeyId><SecretAccessKey>FakeBenchSecret000000001</SecretAccessKey>'
                   f'<SessionToken>FakeBenchToken</SessionToken><Expiration>{expires}</Expiration></Credentials></GetSessionTokenResult>'
                   '<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetSessionTokenResponse>')
        elif action == "DescribeRegions":
            items = "".join(f"<item><regionName>{r}</regionName><regionEndpoint>ec2.{r}.amazonaws.com</regionEndpoint></item>" for r in REGIONS)
            xml = f'<DescribeRegionsResponse xmlns="{EC2}"><requestId>r</requestId><regionInfo>{items}</regionInfo></DescribeRegionsResponse>'
        else:
            suffix = format(REGIONS.index(region) if region in REGIONS else 99, "x").rjust(17, "0")
            xml = (f'<DescribeInstancesResponse xmlns="{EC2}"><requestId>r</requestId><reservationSet><item><reservationId>r-1</reservationId>'
                   f'<instancesSet><item><instanceId>i-{suffix}</instanceId><instanceState><code>16</code><name>running</name></instanceState>'
                   f'<instanceType>t3.micro</instanceType><placement><availabilityZone>{region}a</availabilityZone></placement></item></instancesSet>'
                   '</item></reservationSet></DescribeInstancesResponse>')
        data = xml.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

if sys.argv[1] == "--regions":
    print(" ".join(REGIONS))
else:
    # socketserver's default backlog of 5 would make the 6th of 17 simultaneous connections wait
    # for a SYN retransmission (a second): the delay measured must be the endpoint's, not that.
    ThreadingHTTPServer.request_queue_size = 128
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()

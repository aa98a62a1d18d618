//! A stand-in CloudFormation endpoint: CloudFormation has no local emulator, so
//! this answers DescribeStacks as CloudFormation documents it (awsQuery XML),
//! for a stack `deployed` that exists and any other that does not.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

/// The deployed stack's EventTitle parameter (its EventStartsAt is the seed
/// event's, `2022-09-28T10:00:00+05:00`, and its EventTimezone `UTC`).
pub const STACK_EVENT_TITLE: &str = "Powering Belt and Road Lithium-ion batteries";

const NAMESPACE: &str = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

/// DescribeStacks' answer for the stack `deployed` (with these outputs and
/// parameters) and CloudFormation's error for any other.
fn describe_stacks(stack: &str, table: &str, event_id: &str) -> (u16, String) {
    if stack != "deployed" {
        return (
            400,
            format!(
                "<ErrorResponse xmlns=\"{NAMESPACE}\"><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id {stack} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>"
            ),
        );
    }
    let member = |k: &str, v: &str, kind: &str| {
        format!("<member><{kind}Key>{k}</{kind}Key><{kind}Value>{v}</{kind}Value></member>")
    };
    (
        200,
        format!(
            "<DescribeStacksResponse xmlns=\"{NAMESPACE}\"><DescribeStacksResult><Stacks><member>\
             <StackName>deployed</StackName><StackId>arn:aws:cloudformation:us-east-1:1:stack/deployed/1</StackId>\
             <CreationTime>2022-09-01T00:00:00Z</CreationTime><StackStatus>CREATE_COMPLETE</StackStatus>\
             <Outputs>{}</Outputs><Parameters>{}{}{}{}{}</Parameters></member></Stacks></DescribeStacksResult>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>",
            member("TableName", table, "Output"),
            member("EventId", event_id, "Parameter"),
            member("EventTimezone", "UTC", "Parameter"),
            member("Capacity", "2", "Parameter"),
            member("EventTitle", STACK_EVENT_TITLE, "Parameter"),
            member("EventStartsAt", "2022-09-28T10:00:00+05:00", "Parameter"),
        ),
    )
}

/// A stand-in CloudFormation endpoint on a free local port, serving requests
/// until the test process ends.
pub fn fake_cloudformation(table: String, event_id: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let body = String::from_utf8_lossy(&body).into_owned();
            let stack = body
                .split('&')
                .find_map(|pair| pair.strip_prefix("StackName="))
                .unwrap_or_default()
                .to_owned();
            let (status, xml) = describe_stacks(&stack, &table, &event_id);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\ncontent-type: text/xml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{xml}",
                xml.len()
            );
        }
    });
    address
}

import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer } from '../app/ports';
import { senderEmail, sesConfigurationSet } from '../shared/config';
import { once } from '../shared/once';
import { tracer } from '../shared/observability';

/** SES v2 mailer. Endpoint overrides (local emulator) come from AWS_ENDPOINT_URL_SESV2. */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async send(input: {
    to: string;
    subject: string;
    html: string;
    text: string;
    tags: Record<string, string>;
  }): Promise<{ messageId: string }> {
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [input.to] },
        Content: {
          Simple: {
            Subject: { Data: input.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: input.html, Charset: 'UTF-8' }, Text: { Data: input.text, Charset: 'UTF-8' } },
          },
        },
        ConfigurationSetName: this.configurationSet,
        // SES tag values allow only [A-Za-z0-9_-.@]: ids here are from our own contract, which is stricter.
        EmailTags: Object.entries(input.tags).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
    return { messageId: out.MessageId ?? 'unknown' };
  }
}

export const createSesClient = (): SESv2Client => new SESv2Client({ maxAttempts: 3 });

export const mailer = once<Mailer>(() => new SesMailer(tracer.captureAWSv3Client(createSesClient()), senderEmail(), sesConfigurationSet()));

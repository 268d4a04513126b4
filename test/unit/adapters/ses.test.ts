/** The SES v2 mailer's exact SendEmail request: sender, recipient, both bodies in UTF-8, tags, configuration set. */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { SesMailer } from '../../../lambdas/adapters/ses';

const ses = mockClient(SESv2Client);
const client = () => new SESv2Client({ region: 'eu-central-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
const email = {
  to: 'kim@example.com',
  subject: 'Ihre Gutschrift',
  html: '<p>25,00 €</p>',
  text: '25,00 €',
  tags: { kind: 'credit-issued', creditId: '01JCREDIT0000000000000000A' },
};

beforeEach(() => ses.reset());
afterAll(() => ses.restore());

it('sends one SendEmail with from, to, subject, HTML and text bodies, tags and the configuration set', async () => {
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
  expect(await new SesMailer(client(), 'credits@shop.example', 'courtesy-credits').send(email)).toEqual({ messageId: 'm-1' });
  const calls = ses.commandCalls(SendEmailCommand);
  expect(calls).toHaveLength(1);
  expect(calls[0]!.args[0].input).toEqual({
    FromEmailAddress: 'credits@shop.example',
    Destination: { ToAddresses: ['kim@example.com'] },
    Content: {
      Simple: {
        Subject: { Data: 'Ihre Gutschrift', Charset: 'UTF-8' },
        Body: { Html: { Data: '<p>25,00 €</p>', Charset: 'UTF-8' }, Text: { Data: '25,00 €', Charset: 'UTF-8' } },
      },
    },
    ConfigurationSetName: 'courtesy-credits',
    EmailTags: [
      { Name: 'kind', Value: 'credit-issued' },
      { Name: 'creditId', Value: '01JCREDIT0000000000000000A' },
    ],
  });
});

it('without a configuration set: none named', async () => {
  ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
  await new SesMailer(client(), 'credits@shop.example').send(email);
  expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input.ConfigurationSetName).toBeUndefined();
});

it('an SES error fails the send (the stream record is retried)', async () => {
  ses.on(SendEmailCommand).rejects(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'TooManyRequestsException' }));
  await expect(new SesMailer(client(), 'credits@shop.example').send(email)).rejects.toThrow('Maximum sending rate exceeded.');
});

it('no MessageId in the answer → "unknown"', async () => {
  ses.on(SendEmailCommand).resolves({});
  expect(await new SesMailer(client(), 'credits@shop.example').send(email)).toEqual({ messageId: 'unknown' });
});

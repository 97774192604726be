// Proves the Java test servers fetched from Maven Central actually work:
// GreenMail carries a mail from SMTP to IMAP, and the Temporal time-skipping
// server lets a week-long workflow timer pass in seconds.
// Each part starts and stops its own server; if a server cannot start, its
// beforeAll throws and every test in that part fails (none is skipped).
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { startGreenMail, type GreenMail } from '../../scripts/devstack/greenmail';
import { freePort } from '../../scripts/devstack/ports';
import { createTimeSkippingEnvironment } from '../support/time-skipping';
import type { weekLongSleep } from './fixtures/week-long-sleep.workflow';

const STARTUP_MS = 300_000; // first run downloads from Maven Central
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

function imapClientFor(url: string): ImapFlow {
  const { hostname, port, username, password } = new URL(url);
  return new ImapFlow({
    host: hostname,
    port: Number(port),
    secure: false,
    auth: { user: decodeURIComponent(username), pass: decodeURIComponent(password) },
    logger: false,
  });
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('GreenMail from Maven Central', () => {
  let greenMail: GreenMail;
  let imapPort: number;

  beforeAll(async () => {
    imapPort = await freePort();
    greenMail = await startGreenMail({
      smtpPort: await freePort(),
      imapPort,
      users: ['agent:secret@desk.test'],
    });
  }, STARTUP_MS);

  afterAll(async () => {
    await greenMail?.stop();
  });

  it('delivers a mail sent over SMTP to the IMAP inbox', async () => {
    const subject = `Printer on fire ${randomUUID()}`;
    const transport = nodemailer.createTransport(greenMail.smtpUrl);
    await transport.sendMail({
      from: 'customer@example.test',
      to: 'agent@desk.test',
      subject,
      text: 'Please send help.',
    });

    const imap = imapClientFor(greenMail.imapUrlFor('agent@desk.test'));
    await imap.connect();
    try {
      const lock = await imap.getMailboxLock('INBOX');
      try {
        const found = [];
        for await (const message of imap.fetch('1:*', { envelope: true, source: true })) found.push(message);
        expect(found.map((m) => m.envelope?.subject)).toEqual([subject]);
        expect(found[0]!.source!.toString()).toContain('Please send help.');
      } finally {
        lock.release();
      }
    } finally {
      await imap.logout();
    }
  });

  it('announces the IMAP extensions the mail intake relies on', async () => {
    const imap = imapClientFor(greenMail.imapUrlFor('agent'));
    await imap.connect();
    try {
      const announced = [...imap.capabilities.keys()];
      expect(announced).toEqual(expect.arrayContaining(['IDLE', 'MOVE', 'UIDPLUS']));
    } finally {
      await imap.logout();
    }
  });

  it('frees its IMAP port once stopped', async () => {
    await greenMail.stop();
    expect(await portAccepts(imapPort)).toBe(false);
  });
});

describe('Temporal time-skipping server from Maven Central', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  const taskQueue = `devstack-java-${randomUUID()}`;

  beforeAll(async () => {
    // The Maven-fetched server, skipped to TEST_START_AT when that is set, like every time-skipping test.
    env = await createTimeSkippingEnvironment();
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fixtures/week-long-sleep.workflow.ts', import.meta.url)),
    });
  }, STARTUP_MS);

  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps 7 days in a few seconds of real time', async () => {
    const startedAt = Date.now();
    const workflowTimePassed = await worker.runUntil(
      env.client.workflow.execute<typeof weekLongSleep>('weekLongSleep', {
        workflowId: `week-long-sleep-${randomUUID()}`,
        taskQueue,
      }),
    );
    const realTimePassed = Date.now() - startedAt;

    expect(workflowTimePassed).toBeGreaterThanOrEqual(WEEK_MS);
    expect(realTimePassed).toBeLessThan(15_000);
  });
});

import type { LoggerService } from '@nestjs/common';
import { IsInt, IsNotEmpty, IsString } from 'class-validator';
import { SecretsSection } from '../../lib';

@SecretsSection('facebook')
export class FacebookSecrets {
  @IsString() @IsNotEmpty() consumer_key!: string;
  @IsString() @IsNotEmpty() consumer_secret!: string;
}

@SecretsSection('database')
export class DatabaseSecrets {
  @IsString() @IsNotEmpty() password!: string;
  @IsInt() port!: number;
}

@SecretsSection('crawler', { optional: true })
export class CrawlerSecrets {
  @IsString() @IsNotEmpty() token!: string;
}

/** INI text of the fixture app; placeholder values only. */
export const FIXTURE_INI = `[facebook]
consumer_key = fb-key
consumer_secret = \${FB_SECRET:-fb-secret}

[database]
password = db-password
port = 5432
`;

/** A logger that keeps each line as [level, message, context]. */
export class RecordingLogger implements LoggerService {
  readonly lines: Array<[string, string, string]> = [];
  log(message: string, context: string): void {
    this.lines.push(['log', message, context]);
  }
  warn(message: string, context: string): void {
    this.lines.push(['warn', message, context]);
  }
  error(message: string, context: string): void {
    this.lines.push(['error', message, context]);
  }
}

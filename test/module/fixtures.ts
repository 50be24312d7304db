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

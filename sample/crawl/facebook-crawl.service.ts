import { Inject, Injectable } from '@nestjs/common';
import { FacebookCrawlSecrets } from '../secrets';
import { HTTP_CLIENT, type HttpClient } from './http-client';

/** Graph API version the crawler speaks. */
export const GRAPH_API_VERSION = 'v19.0';

/** Reads a page's public posts through the Graph API with the app access token. */
@Injectable()
export class FacebookCrawlService {
  constructor(
    private readonly secrets: FacebookCrawlSecrets,
    @Inject(HTTP_CLIENT) private readonly http: HttpClient,
  ) {}

  /** The Graph API request for a page's posts (the token goes in the query, as Graph API expects). */
  postsRequest(pageId: string): URL {
    const url = new URL(`https://graph.facebook.com/${GRAPH_API_VERSION}/${encodeURIComponent(pageId)}/posts`);
    url.searchParams.set('access_token', this.secrets.app_access_token);
    return url;
  }

  posts(pageId: string): Promise<unknown> {
    return this.http(this.postsRequest(pageId));
  }
}

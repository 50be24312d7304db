/** What the sample's strategies put on `req.user`: no token, no secret. */
export interface LoggedInUser {
  provider: 'facebook' | 'twitter';
  id: string;
  displayName: string;
}

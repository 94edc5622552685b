// authentication.k8s.io v1 (TokenRequest, TokenReview, SelfSubjectReview) and the beta/alpha
// SelfSubjectReview older kubectl asks for, as of Kubernetes 1.33. Notation: see ../dsl.ts.
import type { PackageDef } from '../dsl.js';

export const authn: PackageDef = {
  prefix: 'io.k8s.api.authentication.v1',
  go: 'v1',
  group: 'authentication.k8s.io',
  version: 'v1',
  kinds: ['TokenRequest', 'TokenReview', 'SelfSubjectReview'],
  docs: {
    TokenRequest: 'Requests a token for a service account (the serviceaccounts/token subresource).',
    TokenReview: 'Asks the server to authenticate a bearer token.',
    SelfSubjectReview: 'Returns the user information the server sees for the caller.',
  },
  aliases: {
    ExtraValue: '[]s',
  },
  types: {
    BoundObjectReference: {
      kind: 's',
      apiVersion: 's',
      name: 's',
      uid: 's',
    },
    SelfSubjectReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      status: 'SelfSubjectReviewStatus',
    },
    SelfSubjectReviewStatus: {
      userInfo: 'UserInfo',
    },
    TokenRequest: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      spec: 'TokenRequestSpec req',
      status: 'TokenRequestStatus',
    },
    TokenRequestSpec: {
      audiences: '[]s req lt=atomic',
      expirationSeconds: 'i64',
      boundObjectRef: 'BoundObjectReference',
    },
    TokenRequestStatus: {
      token: 's req',
      expirationTimestamp: 'Time req',
    },
    TokenReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      spec: 'TokenReviewSpec req',
      status: 'TokenReviewStatus',
    },
    TokenReviewSpec: {
      token: 's',
      audiences: '[]s lt=atomic',
    },
    TokenReviewStatus: {
      authenticated: 'b',
      user: 'UserInfo',
      audiences: '[]s lt=atomic',
      error: 's',
    },
    UserInfo: {
      username: 's',
      uid: 's',
      groups: '[]s lt=atomic',
      extra: '{}ExtraValue',
    },
  },
};

export const authnBeta: PackageDef = {
  prefix: 'io.k8s.api.authentication.v1beta1',
  go: 'v1beta1',
  group: 'authentication.k8s.io',
  version: 'v1beta1',
  kinds: ['SelfSubjectReview'],
  docs: { SelfSubjectReview: 'Returns the user information the server sees for the caller.' },
  types: {
    SelfSubjectReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      status: 'SelfSubjectReviewStatus',
    },
    SelfSubjectReviewStatus: {
      userInfo: 'authn.UserInfo',
    },
  },
};

export const authnAlpha: PackageDef = {
  prefix: 'io.k8s.api.authentication.v1alpha1',
  go: 'v1alpha1',
  group: 'authentication.k8s.io',
  version: 'v1alpha1',
  kinds: ['SelfSubjectReview'],
  docs: { SelfSubjectReview: 'Returns the user information the server sees for the caller.' },
  types: {
    SelfSubjectReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta',
      status: 'SelfSubjectReviewStatus',
    },
    SelfSubjectReviewStatus: {
      userInfo: 'authn.UserInfo',
    },
  },
};

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
      kind: 's pb=1',
      apiVersion: 's pb=2',
      name: 's pb=3',
      uid: 's pb=4',
    },
    SelfSubjectReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      status: 'SelfSubjectReviewStatus pb=2',
    },
    SelfSubjectReviewStatus: {
      userInfo: 'UserInfo pb=1',
    },
    TokenRequest: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      spec: 'TokenRequestSpec req pb=2',
      status: 'TokenRequestStatus pb=3',
    },
    TokenRequestSpec: {
      audiences: '[]s req lt=atomic pb=1',
      expirationSeconds: 'i64 pb=4 ptr noomit',
      boundObjectRef: 'BoundObjectReference pb=3 ptr noomit',
    },
    TokenRequestStatus: {
      token: 's req pb=1',
      expirationTimestamp: 'Time req pb=2',
    },
    TokenReview: {
      kind: 's',
      apiVersion: 's',
      metadata: 'meta.ObjectMeta pb=1',
      spec: 'TokenReviewSpec req pb=2',
      status: 'TokenReviewStatus pb=3',
    },
    TokenReviewSpec: {
      token: 's pb=1',
      audiences: '[]s lt=atomic pb=2',
    },
    TokenReviewStatus: {
      authenticated: 'b pb=1',
      user: 'UserInfo pb=2',
      audiences: '[]s lt=atomic pb=4',
      error: 's pb=3',
    },
    UserInfo: {
      username: 's pb=1',
      uid: 's pb=2',
      groups: '[]s lt=atomic pb=3',
      extra: '{}ExtraValue pb=4',
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

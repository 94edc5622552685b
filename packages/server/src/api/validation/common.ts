// Small field-level wrappers shared by the kind validators (pkg/apis/core/validation's ValidateDNS1123Label etc.).
import { type FieldError, invalid } from '../field.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from './names.js';

export function validateDNS1123Label(value: string, path: string): FieldError[] {
  return isDNS1123Label(value).map((m) => invalid(path, value, m));
}

export function validateDNS1123Subdomain(value: string, path: string): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => invalid(path, value, m));
}

export function validateQualifiedName(value: string, path: string): FieldError[] {
  return isQualifiedName(value).map((m) => invalid(path, value, m));
}

export function duplicate(path: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field: path, badValue: value, detail: '' };
}

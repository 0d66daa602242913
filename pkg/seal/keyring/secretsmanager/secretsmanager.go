// Package secretsmanager keeps the keyring document in AWS Secrets Manager,
// which encrypts it at rest under its KMS key. The SDK client is injected.
package secretsmanager

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	sm "github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// API is the part of *secretsmanager.Client the store calls.
type API interface {
	GetSecretValue(ctx context.Context, in *sm.GetSecretValueInput, optFns ...func(*sm.Options)) (*sm.GetSecretValueOutput, error)
	PutSecretValue(ctx context.Context, in *sm.PutSecretValueInput, optFns ...func(*sm.Options)) (*sm.PutSecretValueOutput, error)
	CreateSecret(ctx context.Context, in *sm.CreateSecretInput, optFns ...func(*sm.Options)) (*sm.CreateSecretOutput, error)
}

// Store implements keyring.Store with the secret SecretID; KMSKeyID, when set,
// is the KMS key Secrets Manager encrypts a new secret with.
type Store struct {
	Client   API
	SecretID string
	KMSKeyID string
}

// Load implements keyring.Store.
func (s Store) Load(ctx context.Context) ([]byte, error) {
	out, err := s.Client.GetSecretValue(ctx, &sm.GetSecretValueInput{SecretId: aws.String(s.SecretID)})
	var nf *types.ResourceNotFoundException
	if errors.As(err, &nf) {
		return nil, fmt.Errorf("secret %s: %w", s.SecretID, keyring.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("get secret %s: %w", s.SecretID, err)
	}
	if out.SecretBinary != nil {
		return out.SecretBinary, nil
	}
	if out.SecretString != nil {
		return []byte(*out.SecretString), nil
	}
	return nil, fmt.Errorf("secret %s has no value", s.SecretID)
}

// Save implements keyring.Store: CreateSecret when create, else a new secret
// version with PutSecretValue (Secrets Manager versions are atomic).
func (s Store) Save(ctx context.Context, doc []byte, create bool) error {
	if create {
		in := &sm.CreateSecretInput{Name: aws.String(s.SecretID), SecretBinary: doc,
			Description: aws.String("Arca keyring: key-encryption keys of sealed backups")}
		if s.KMSKeyID != "" {
			in.KmsKeyId = aws.String(s.KMSKeyID)
		}
		_, err := s.Client.CreateSecret(ctx, in)
		var exists *types.ResourceExistsException
		if errors.As(err, &exists) {
			return fmt.Errorf("secret %s: %w", s.SecretID, keyring.ErrExists)
		}
		if err != nil {
			return fmt.Errorf("create secret %s: %w", s.SecretID, err)
		}
		return nil
	}
	if _, err := s.Client.PutSecretValue(ctx, &sm.PutSecretValueInput{SecretId: aws.String(s.SecretID), SecretBinary: doc}); err != nil {
		return fmt.Errorf("put secret %s: %w", s.SecretID, err)
	}
	return nil
}
